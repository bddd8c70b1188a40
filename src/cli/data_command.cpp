// `tellus-harness data generate|list|clean`: the test-data cache from the command line.
#include <cstdio>
#include <iostream>

#include "tellus_harness/cli/commands.hpp"
#include "tellus_harness/cli/option_parsing.hpp"
#include "tellus_harness/common/user_error.hpp"
#include "tellus_harness/data/data_cache.hpp"

namespace tellus_harness {

namespace {

int generate(const Arguments& args) {
  DatasetSpec spec;
  std::string format = "tar.gz";
  std::int64_t seed = 0;
  po::options_description d("tellus-harness data generate [options]\n\n"
                            "Creates (or finds) a dataset archive in the data cache and prints its path.\n\nOptions");
  d.add_options()("help,h", "show this help")("size-mb", po::value(&spec.size_mb)->default_value(10), "MiB in all")(
      "files", po::value(&spec.files)->default_value(100), "number of files")(
      "mix", po::value(&spec.mix)->default_value("seed"), "seed, netcdf, hdf5 or binary")(
      "seed", po::value(&seed)->default_value(0), "generator seed")(
      "compression", po::value(&spec.compression)->default_value("none"), "none or deflate (netCDF/HDF5 fields)")(
      "format", po::value(&format)->default_value("tar.gz"), "tar, tar.gz or tar.zst")(
      "cache-dir", po::value<std::string>(), "cache directory (default TELLUS_TEST_CACHE or ~/.tellus_test_cache)");
  const auto vm = parse_command_options("data generate", args, d);
  if (vm.count("help")) {
    std::cout << d << "\n";
    return 0;
  }
  if (seed < 0) throw UserError("--seed must not be negative");
  spec.seed = static_cast<std::uint64_t>(seed);
  ArchiveFormat parsed;
  try {
    validate_dataset_spec(spec);
    parsed = parse_archive_format(format);
  } catch (const std::invalid_argument& e) {
    throw UserError(std::string("data generate: ") + e.what());
  }
  DataCache cache(vm.count("cache-dir") ? vm["cache-dir"].as<std::string>() : DataCache::default_dir());
  const CachedArchive archive = cache.archive(spec, parsed);
  std::fprintf(stderr, "%s %s (%.1f MiB)\n", archive.generated ? "generated" : "found in cache", dataset_key(spec).c_str(),
               static_cast<double>(archive.size) / (1 << 20));
  std::printf("%s\n", archive.path.c_str());
  return 0;
}

int list_or_clean(const std::string& what, const Arguments& args) {
  double older = -1;
  po::options_description d("tellus-harness data " + what + " [options]\n\nOptions");
  d.add_options()("help,h", "show this help")("cache-dir", po::value<std::string>(), "cache directory");
  if (what == "clean") d.add_options()("older-than", po::value(&older), "only entries unused for more than DAYS");
  const auto vm = parse_command_options("data " + what, args, d);
  if (vm.count("help")) {
    std::cout << d << "\n";
    return 0;
  }
  DataCache cache(vm.count("cache-dir") ? vm["cache-dir"].as<std::string>() : DataCache::default_dir());
  if (what == "clean") {
    const int n = cache.clean(older >= 0 ? std::optional<double>(older) : std::nullopt);
    std::printf("removed %d entr%s from %s\n", n, n == 1 ? "y" : "ies", cache.dir().c_str());
    return 0;
  }
  for (const auto& e : cache.list())
    std::printf("%-60s %10.1f MiB  %6.1f days\n", e.key.c_str(), static_cast<double>(e.bytes) / (1 << 20), e.age_days);
  return 0;
}

}  // namespace

int data_command(const Arguments& args) {
  const std::string sub = args.empty() ? "" : args[0];
  const Arguments rest(args.begin() + (args.empty() ? 0 : 1), args.end());
  if (sub == "generate") return generate(rest);
  if (sub == "list" || sub == "clean") return list_or_clean(sub, rest);
  throw UserError("data: expected 'generate', 'list' or 'clean'" + (sub.empty() ? std::string() : ", got '" + sub + "'"));
}

}  // namespace tellus_harness
