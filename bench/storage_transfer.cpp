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
#include <nlohmann/json.hpp>

#include "tellus_harness/data/sha256.hpp"
#include "tellus_harness/netsim/fault_proxy.hpp"
#include "tellus_harness/storage/retrying_backend.hpp"

using namespace tellus_harness;

int main(int argc, char** argv) {
  if (argc != 5 && argc != 6) {
    std::fprintf(stderr, "usage: bench_storage_transfer TYPE ROOT CONFIG_JSON LOCAL_FILE [RESET_EVERY_MB]\n");
    return 2;
  }
  const std::string type = argv[1], root = argv[2], local = argv[4];
  auto config = nlohmann::json::parse(argv[3]);
  std::unique_ptr<FaultProxy> proxy;
  if (argc == 6) {
    FaultProfile faults;
    faults.reset_every_mb = std::atof(argv[5]);
    proxy = std::make_unique<FaultProxy>(config.value("host", "127.0.0.1"), static_cast<int>(config.value("port", 22.0)), faults);
    config["connect_host"] = "127.0.0.1";
    config["connect_port"] = proxy->port();
  }
  RetryingBackend backend(type, [&] { return make_storage_backend(type, root, config.dump()); }, 0);
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
