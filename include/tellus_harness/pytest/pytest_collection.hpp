#pragma once
// pytest paths are collected by the project's own Python and pytest, with the plugin
// python/tellus_harness_pytest.py writing what it collected to a file: in a run, rank 0's first
// worker does (Executor::await_collecting_worker); for --collect-only, a pytest process in the
// plugin's collect mode (collect_pytest_tests). Node ids, markers and parametrization are
// pytest's, -m and -k select with pytest's semantics, and an import error is that file's
// error entry.
#include <cstddef>
#include <string>
#include <vector>

#include "tellus_harness/config/pytest_invocation.hpp"
#include "tellus_harness/config/selection.hpp"
#include "tellus_harness/exec/collection_end.hpp"

namespace tellus_harness {

struct PytestCollection {
  std::vector<CollectedTest> tests;  // the selected items, then the files that failed to collect
  std::size_t deselected = 0;
  std::string rootdir;
  int maxfail = 0;  // the project's own -x or --maxfail N (its addopts); 0: none
};

// Runs `python -m pytest --collect-only` with the plugin. Tests without a timeout marker get
// the project's pytest-timeout default (its ini `timeout`) if it has one, else
// `default_timeout_s`. Throws UserError for what pytest refuses (its usage errors, markers
// --strict-markers does not know, an interpreter without pytest), with pytest's own words.
PytestCollection collect_pytest_tests(const PytestInvocation& invocation, const std::string& plugin_dir,
                                      double default_timeout_s);

// Collection of a whole suite imports every test module: minutes on a slow shared filesystem,
// never hours.
constexpr double kPytestCollectionLimitSeconds = 1800;

// What a pytest process that collected left: the tests of `manifest`, or the UserError that
// says in pytest's words why there are none (a usage error, an interpreter without pytest).
PytestCollection read_pytest_collection(const CollectionEnd& end, const std::string& manifest,
                                        const PytestInvocation& invocation, double default_timeout_s);

// The manifest the plugin wrote, as tests (exposed for the unit tests). UserError naming
// `source` when it is not what the plugin writes.
PytestCollection parse_pytest_manifest(const std::string& text, const std::string& source, double default_timeout_s);

}  // namespace tellus_harness
