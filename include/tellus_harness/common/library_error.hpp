#pragma once
// A failing call into netCDF-C, HDF5, libarchive or libcrypto, carrying the library's own
// message and the file it concerned.
#include <stdexcept>
#include <string>

namespace tellus_harness {

class LibraryError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace tellus_harness
