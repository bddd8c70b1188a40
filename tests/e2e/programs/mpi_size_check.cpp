// An MPI program for the harness's multi-rank tests:
//   mpi_size_check EXPECTED_RANKS [--hang]
// Each rank prints "rank R of N on NODE pid P" (NODE: Slurm's node name inside a job step,
// else the host name) and writes its pid to pids/R in the working directory; exit 1 when the communicator does not have EXPECTED_RANKS ranks. --hang: after
// a barrier, every rank sleeps until it is killed.
#include <mpi.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, size = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const int expected = argc > 1 ? std::atoi(argv[1]) : -1;
  const bool hang = argc > 2 && std::strcmp(argv[2], "--hang") == 0;
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  if (const char* node = std::getenv("SLURMD_NODENAME"); node && *node) std::snprintf(host, sizeof host, "%s", node);
  std::filesystem::create_directories("pids");
  std::ofstream("pids/" + std::to_string(rank)) << getpid() << "\n";
  std::printf("rank %d of %d on %s pid %d\n", rank, size, host, static_cast<int>(getpid()));
  std::fflush(stdout);
  MPI_Barrier(MPI_COMM_WORLD);
  if (hang)
    for (;;) pause();
  int code = 0;
  if (size != expected) {
    if (rank == 0) std::fprintf(stderr, "mpi_size_check: MPI_COMM_WORLD has %d ranks, expected %d\n", size, expected);
    code = 1;
  }
  MPI_Finalize();
  return code;
}
