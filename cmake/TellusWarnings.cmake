# The warnings every target of the project is built with (tellus_warnings, an interface target).
add_library(tellus_warnings INTERFACE)
target_compile_options(tellus_warnings INTERFACE -Wall -Wextra)
