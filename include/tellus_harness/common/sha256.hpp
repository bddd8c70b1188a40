#pragma once
// SHA-256 through OpenSSL's libcrypto (EVP), as lowercase hex.
#include <cstddef>
#include <memory>
#include <string>

namespace tellus_harness {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(const void* data, std::size_t size);
  std::string hex_digest();  // ends the hash

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

// Throws std::runtime_error if the file cannot be read.
std::string sha256_of_file(const std::string& path);
std::string sha256_of_text(const std::string& text);
std::string sha256_of_bytes(const void* data, std::size_t size);

}  // namespace tellus_harness
