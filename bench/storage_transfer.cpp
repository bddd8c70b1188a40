// Times one put and one get of a local file through a storage backend.
//   bench_storage_transfer TYPE ROOT CONFIG_JSON LOCAL_FILE
// prints "put MB/s" and "get MB/s" (MiB per second) on two lines.
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "tellus_harness/storage/storage_backend.hpp"

using namespace tellus_harness;

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: bench_storage_transfer TYPE ROOT CONFIG_JSON LOCAL_FILE\n");
    return 2;
  }
  const std::string local = argv[4];
  const double mib = static_cast<double>(std::filesystem::file_size(local)) / (1 << 20);
  auto backend = make_storage_backend(argv[1], argv[2], argv[3]);
  auto timed = [](auto&& f) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  const double put = timed([&] { backend->put(local, "bench.bin"); });
  const double get = timed([&] { backend->get("bench.bin", local + ".back"); });
  backend->remove("bench.bin");
  std::filesystem::remove(local + ".back");
  std::printf("put %.1f\nget %.1f\n", mib / put, mib / get);
  return 0;
}
