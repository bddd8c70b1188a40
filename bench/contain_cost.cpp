// What containing a test costs: N runs of `true` started with posix_spawn and waited for,
// directly and under tellus-contain (the subreaper every test runs under), alternating in
// rounds; prints the median per-test time of each and the difference.
//   bench_contain_cost TELLUS_CONTAIN [N] [ROUNDS]
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

extern char** environ;

namespace {

double run_batch(const std::vector<const char*>& argv, int n, bool with_verdict_pipe) {
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) {
    int verdict[2] = {-1, -1};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (with_verdict_pipe) {  // tellus-contain writes its verdict to fd 3, as for the executor
      if (pipe2(verdict, O_CLOEXEC) != 0) std::exit(1);
      posix_spawn_file_actions_adddup2(&actions, verdict[1], 3);
    }
    pid_t pid;
    if (posix_spawn(&pid, argv[0], &actions, nullptr, const_cast<char* const*>(argv.data()), environ) != 0) std::exit(1);
    posix_spawn_file_actions_destroy(&actions);
    if (with_verdict_pipe) close(verdict[1]);
    int status;
    waitpid(pid, &status, 0);
    if (with_verdict_pipe) {
      char line[64];
      if (read(verdict[0], line, sizeof line) <= 0) std::exit(1);
      close(verdict[0]);
    }
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / n;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s TELLUS_CONTAIN [N] [ROUNDS]\n", argv[0]);
    return 2;
  }
  const int n = argc > 2 ? std::atoi(argv[2]) : 1000;
  const int rounds = argc > 3 ? std::atoi(argv[3]) : 5;
  const std::vector<const char*> direct{"/bin/true", nullptr};
  const std::vector<const char*> contained{argv[1], "/bin/true", "true", nullptr};
  std::vector<double> plain, sub;
  for (int r = 0; r < rounds; ++r) {
    plain.push_back(run_batch(direct, n, false));
    sub.push_back(run_batch(contained, n, true));
  }
  const double a = median(plain) * 1e3, b = median(sub) * 1e3;
  std::printf("tests=%d rounds=%d (median per test, one at a time)\n", n, rounds);
  std::printf("posix_spawn + wait of true:             %.3f ms\n", a);
  std::printf("the same under tellus-contain:          %.3f ms\n", b);
  std::printf("containment costs per test:             %.3f ms (x%.2f)\n", b - a, b / a);
  return 0;
}
