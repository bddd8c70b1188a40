#pragma once
// AWS Signature Version 4 for S3 requests, done here rather than by curl: curl 7.88's
// --aws-sigv4 neither sends x-amz-content-sha256 (which S3 requires) nor canonicalises the
// query string, so multipart's "?uploads" and "?partNumber=..&uploadId=.." would not verify.
#include <map>
#include <string>
#include <vector>

namespace tellus_harness {

struct SigV4Credentials {
  std::string access_key;
  std::string secret_key;
  std::string session_token;  // empty unless temporary credentials
};

struct SigV4Request {
  std::string method;
  std::string host;                           // as sent in the Host header (with :port if not default)
  std::string path;                           // already URI-encoded, starts with '/'
  std::map<std::string, std::string> query;   // raw names and values; encoded and sorted here
  std::map<std::string, std::string> headers; // extra headers to sign, lowercase names
  std::string payload_sha256;                 // hex; the empty body's hash for GET/HEAD/DELETE
};

// The headers to send (Host is left to curl): x-amz-date, x-amz-content-sha256,
// Authorization, the token if any, and `headers`, as "Name: value" lines.
std::vector<std::string> sigv4_sign(const SigV4Request& request, const SigV4Credentials& credentials,
                                    const std::string& region, const std::string& amz_date /* YYYYMMDDTHHMMSSZ */);

// S3's URI encoding: unreserved characters kept, everything else %XX; '/' kept when `path`.
std::string uri_encode(const std::string& text, bool path);
// "a=1&b=2" with names and values encoded, sorted by name: the canonical query string.
std::string canonical_query(const std::map<std::string, std::string>& query);

extern const char* const kEmptyPayloadSha256;

}  // namespace tellus_harness
