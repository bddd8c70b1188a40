#pragma once
// One S3 endpoint and bucket, spoken to over HTTP(S) with libcurl, every request signed with
// SigV4. An S3Client holds one curl handle (its connection is reused between requests) and
// is used by one thread; parallel part uploads each make their own.
#include <curl/curl.h>

#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <string>

#include "storage/s3/sigv4.hpp"

namespace tellus_harness {

struct S3Settings {
  std::string scheme = "http", host;
  int port = 80;
  std::string region = "us-east-1";
  std::string bucket;
  bool virtual_hosted = false;  // bucket.host/key instead of host/bucket/key
  std::string connect_host;     // where to connect instead (the fault proxy); empty: host itself
  int connect_port = 0;
  double io_timeout_s = 60;
  std::string ca_file;          // PEM bundle to verify an https endpoint with; empty: the system's
  std::uint64_t part_size = 16 << 20;
  int parallel_parts = 4;
  int list_page_size = 1000;
  SigV4Credentials credentials;
  std::string where() const;  // "s3 backend http://host:port bucket B": for messages, never a secret
};

// From a suite's backends: entry (JSON). Credentials come from credentials_file (an AWS
// credentials file, section `profile`) or from the environment variables named by
// access_key_env and secret_key_env (default AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).
// Throws StorageError.
S3Settings read_s3_settings(const std::string& config_json);

struct S3Request {
  S3Request(std::string method_, std::string key_, std::map<std::string, std::string> query_ = {})
      : method(std::move(method_)), key(std::move(key_)), query(std::move(query_)) {}
  std::string method;
  std::string key;                               // "" for the bucket itself
  std::map<std::string, std::string> query;
  std::map<std::string, std::string> headers;    // signed with the request: range
  const char* body = nullptr;
  std::size_t body_size = 0;
  std::string body_sha256;                       // hex; computed from body when empty
  std::ofstream* sink = nullptr;                 // a successful response's body goes here
};

struct S3Response {
  long status = 0;
  std::string body;  // the response body, unless it went to the sink
  std::string etag;
  std::uint64_t content_length = 0;
  std::string error_code;  // S3's <Code> when status >= 300
};

class S3Client {
 public:
  explicit S3Client(S3Settings settings);
  const S3Settings& settings() const { return settings_; }
  // Sends `request`; throws StorageError when no HTTP answer came (transient for broken links).
  S3Response send(const S3Request& request);
  // Sends, and throws StorageError naming the endpoint, `what` and S3's error code unless 2xx.
  S3Response send_ok(const S3Request& request, const std::string& what);
  // Throws as send_ok does unless `response` is a success.
  void require_ok(const S3Response& response, const std::string& what) const;

 private:
  S3Settings settings_;
  std::unique_ptr<CURL, void (*)(CURL*)> curl_;
};

}  // namespace tellus_harness
