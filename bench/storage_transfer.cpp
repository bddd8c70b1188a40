// Times one put and one get of a local file through a storage backend, optionally through
// the fault proxy (with retries and resume, as the workloads do), and checks that the copy
// that came back is byte-identical.
//   bench_storage_transfer TYPE ROOT CONFIG_JSON LOCAL_FILE [RESET_EVERY_MB]
// RESET_EVERY_MB: through the proxy (0: no faults, just its overhead); absent: direct.
// Prints "put MB/s", "get MB/s", and with the proxy "retries N resets N".
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "tellus_harness/common/sha256.hpp"
#include "tellus_harness/netsim/fault_proxy.hpp"
#include "tellus_harness/storage/retrying_backend.hpp"
#include "tellus_harness/storage/server_address.hpp"

using namespace tellus_harness;

int run(int argc, char** argv) {
  if (argc != 5 && argc != 6) {
    std::fprintf(stderr, "usage: bench_storage_transfer TYPE ROOT CONFIG_JSON LOCAL_FILE [RESET_EVERY_MB]\n");
    return 2;
  }
  const std::string type = argv[1], root = argv[2], local = argv[4];
  std::string config = argv[3];
  std::unique_ptr<FaultProxy> proxy;
  if (argc == 6) {
    FaultProfile faults;
    faults.reset_every_mb = std::atof(argv[5]);
    const auto server = server_address(type, config);
    if (!server) {
      std::fprintf(stderr, "a %s backend has no server to put the proxy in front of\n", type.c_str());
      return 2;
    }
    proxy = std::make_unique<FaultProxy>(server->host, server->port, faults);
    config = route_through(config, {"127.0.0.1", proxy->port()});
  }
  RetryingBackend backend(type, [&] { return make_storage_backend(type, root, config); }, 0);
  const double mib = static_cast<double>(std::filesystem::file_size(local)) / (1 << 20);
  auto timed = [](auto&& f) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  const double put = timed([&] { backend.put(local, "bench.bin"); });
  const double get = timed([&] { backend.get("bench.bin", local + ".back"); });
  backend.remove("bench.bin");
  const bool same = sha256_of_file(local) == sha256_of_file(local + ".back");
  std::filesystem::remove(local + ".back");
  std::printf("put %.1f\nget %.1f\n", mib / put, mib / get);
  if (proxy) std::printf("retries %d resets %d\n", backend.retries(), proxy->stats().resets);
  if (!same) {
    std::fprintf(stderr, "the copy that came back differs\n");
    return 1;
  }
  return 0;
}

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
}
