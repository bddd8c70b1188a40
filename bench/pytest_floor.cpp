// The least an MPI runner of a pytest suite can do, for bench/pytest_xdist.sh: each rank
// starts one pytest process before MPI_Init (as tellus-harness starts its workers), which
// collects the whole suite, as every worker must for the selection to be pytest's own, and
// runs every ranks-th test of it (a static split, by the plugin the bench writes and names
// with -p). Nothing else: no claims, so no work stealing and no global maxfail; no plan, no
// journal, no results sent to rank 0, no workspaces, no reports. No runner of this design
// can be faster on the machine.
//   mpirun -np 2 bench_pytest_floor PYTHON -m pytest -p SPLIT_PLUGIN ... TESTS
// The split plugin reads the rank and the number of ranks from BENCH_FLOOR_RANK and
// BENCH_FLOOR_RANKS, set here from what mpirun gives each process before MPI_Init.
#include <mpi.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
  const char* rank = std::getenv("OMPI_COMM_WORLD_RANK");
  const char* ranks = std::getenv("OMPI_COMM_WORLD_SIZE");
  if (argc < 2 || !rank || !ranks) {
    std::fprintf(stderr, "usage: mpirun -np N bench_pytest_floor PROGRAM [ARGS...] (Open MPI's mpirun)\n");
    return 2;
  }
  setenv("BENCH_FLOOR_RANK", rank, 1);
  setenv("BENCH_FLOOR_RANKS", ranks, 1);
  const pid_t child = fork();
  if (child == 0) {
    execvp(argv[1], argv + 1);
    std::perror(argv[1]);
    _exit(127);
  }
  MPI_Init(&argc, &argv);
  int status = 0;
  if (child < 0 || waitpid(child, &status, 0) < 0) status = 1 << 8;
  MPI_Barrier(MPI_COMM_WORLD);  // as a runner gathers its ranks' ends
  MPI_Finalize();
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
