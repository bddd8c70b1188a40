// The least an MPI test runner can do: MPI_Init, then each rank starts its share of N
// processes of PROGRAM, P at a time, with posix_spawn (vfork semantics, the cheapest start
// Linux offers) and waits for them; no workspace, no capture, no bookkeeping, no report.
// bench/overhead.sh times `mpirun -np 2 bench_spawn_floor N 1 true` beside ctest and
// tellus-harness: no MPI runner can be faster on the machine.
#include <mpi.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>

extern char** environ;

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  if (argc != 4) {
    std::fprintf(stderr, "usage: bench_spawn_floor N P PROGRAM\n");
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  int rank = 0, ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  const int n = std::atoi(argv[1]), in_flight = std::atoi(argv[2]);
  const int mine = n / ranks + (rank < n % ranks ? 1 : 0);
  char* child_argv[] = {argv[3], nullptr};
  int started = 0, running = 0;
  while (started < mine || running > 0) {
    while (started < mine && running < in_flight) {
      pid_t pid;
      if (posix_spawnp(&pid, argv[3], nullptr, nullptr, child_argv, environ) != 0) {
        std::perror("posix_spawnp");
        MPI_Abort(MPI_COMM_WORLD, 1);
      }
      ++started;
      ++running;
    }
    int status;
    if (wait(&status) > 0) --running;
  }
  MPI_Barrier(MPI_COMM_WORLD);
  MPI_Finalize();
  return 0;
}
