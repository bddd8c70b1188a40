#pragma once
// POSTs JSON to a webhook with libcurl. The URL is a secret (Slack and Mattermost put the token
// in the path): messages only ever show redact_url(url).
#include <string>

namespace tellus_harness {

struct WebhookResult {
  bool sent = false;
  long http_status = 0;
  std::string error;  // why it was not sent; never contains the whole URL
};

WebhookResult post_json(const std::string& url, const std::string& body, long timeout_s = 10);

// "https://hooks.example.org/…": scheme and host only.
std::string redact_url(const std::string& url);

}  // namespace tellus_harness
