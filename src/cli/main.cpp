#include "tellus_harness/cli/commands.hpp"

int main(int argc, char** argv) { return tellus_harness::main_dispatch(argc, argv); }
