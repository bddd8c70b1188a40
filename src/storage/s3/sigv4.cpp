#include "storage/s3/sigv4.hpp"

#include "tellus_harness/common/sha256.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cctype>
#include <cstdio>

namespace tellus_harness {

const char* const kEmptyPayloadSha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

namespace {

std::string to_hex(const unsigned char* bytes, std::size_t size) {
  static const char* digits = "0123456789abcdef";
  std::string out(2 * size, '0');
  for (std::size_t i = 0; i < size; ++i) {
    out[2 * i] = digits[bytes[i] >> 4];
    out[2 * i + 1] = digits[bytes[i] & 15];
  }
  return out;
}

std::string hmac(const std::string& key, const std::string& message) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), out, &length);
  return std::string(reinterpret_cast<const char*>(out), length);
}

std::string lowercase(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::string uri_encode(const std::string& text, bool path) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || (path && c == '/')) {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::string canonical_query(const std::map<std::string, std::string>& query) {
  std::map<std::string, std::string> encoded;  // sorted by the encoded name, as SigV4 wants
  for (const auto& [k, v] : query) encoded[uri_encode(k, false)] = uri_encode(v, false);
  std::string out;
  for (const auto& [k, v] : encoded) out += (out.empty() ? "" : "&") + k + "=" + v;
  return out;
}

std::vector<std::string> sigv4_sign(const SigV4Request& request, const SigV4Credentials& credentials,
                                    const std::string& region, const std::string& amz_date) {
  std::map<std::string, std::string> headers;  // lowercase name -> value, sorted
  for (const auto& [k, v] : request.headers) headers[lowercase(k)] = v;
  headers["host"] = request.host;
  headers["x-amz-date"] = amz_date;
  headers["x-amz-content-sha256"] = request.payload_sha256;
  if (!credentials.session_token.empty()) headers["x-amz-security-token"] = credentials.session_token;

  std::string canonical_headers, signed_headers;
  for (const auto& [k, v] : headers) {
    canonical_headers += k + ":" + v + "\n";
    signed_headers += (signed_headers.empty() ? "" : ";") + k;
  }
  const std::string canonical_request = request.method + "\n" + request.path + "\n" + canonical_query(request.query) +
                                        "\n" + canonical_headers + "\n" + signed_headers + "\n" +
                                        request.payload_sha256;
  const std::string day = amz_date.substr(0, 8);
  const std::string scope = day + "/" + region + "/s3/aws4_request";
  const std::string string_to_sign = "AWS4-HMAC-SHA256\n" + amz_date + "\n" + scope + "\n" +
                                     sha256_of_text(canonical_request);
  const std::string key =
      hmac(hmac(hmac(hmac("AWS4" + credentials.secret_key, day), region), "s3"), "aws4_request");
  const std::string signature = hmac(key, string_to_sign);

  std::vector<std::string> out;
  for (const auto& [k, v] : headers)
    if (k != "host") out.push_back(k + ": " + v);
  out.push_back("Authorization: AWS4-HMAC-SHA256 Credential=" + credentials.access_key + "/" + scope +
                ", SignedHeaders=" + signed_headers +
                ", Signature=" + to_hex(reinterpret_cast<const unsigned char*>(signature.data()), signature.size()));
  return out;
}

}  // namespace tellus_harness
