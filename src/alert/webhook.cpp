#include "tellus_harness/alert/webhook.hpp"

#include <curl/curl.h>

#include <memory>

#include "tellus_harness/common/redaction.hpp"

namespace tellus_harness {

std::string redact_url(const std::string& url) {
  if (url.find("://") == std::string::npos) return "(webhook URL)";
  return redact_text(url);  // scheme://host[:port]/…, as everywhere a secret may be recorded
}

namespace {
std::size_t discard(char*, std::size_t size, std::size_t n, void*) { return size * n; }

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct HeaderDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
}  // namespace

WebhookResult post_json(const std::string& url, const std::string& body, long timeout_s) {
  static const bool initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  WebhookResult result;
  std::unique_ptr<CURL, CurlDeleter> curl(initialised ? curl_easy_init() : nullptr);
  if (!curl) {
    result.error = "libcurl could not be initialised";
    return result;
  }
  std::unique_ptr<curl_slist, HeaderDeleter> headers(curl_slist_append(nullptr, "Content-Type: application/json"));
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, timeout_s);
  curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT, timeout_s);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  const CURLcode code = curl_easy_perform(curl.get());
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &result.http_status);
  if (code != CURLE_OK) {
    // curl_easy_strerror's text names no URL.
    result.error = std::string(curl_easy_strerror(code)) + " (" + redact_url(url) + ")";
  } else if (result.http_status < 200 || result.http_status >= 300) {
    result.error = "HTTP " + std::to_string(result.http_status) + " from " + redact_url(url);
  } else {
    result.sent = true;
  }
  return result;
}

}  // namespace tellus_harness
