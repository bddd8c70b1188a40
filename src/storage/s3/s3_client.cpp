#include "storage/s3/s3_client.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <nlohmann/json.hpp>

#include "storage/home_path.hpp"
#include "storage/s3/s3_xml.hpp"
#include "tellus_harness/common/sha256.hpp"
#include "tellus_harness/common/wall_clock.hpp"
#include "tellus_harness/storage/server_address.hpp"
#include "tellus_harness/storage/storage_backend.hpp"

namespace tellus_harness {

namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  const auto e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// The [section] of an AWS credentials file (INI: key = value lines).
std::map<std::string, std::string> credentials_section(const std::string& path, const std::string& section,
                                                       const std::string& where) {
  std::ifstream in(path);
  if (!in) throw StorageError(where + ": cannot read credentials_file " + path);
  std::map<std::string, std::string> out;
  std::string line, current;
  bool found = false;
  while (std::getline(in, line)) {
    line = trim(line);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      current = trim(line.substr(1, line.size() - 2));
      found = found || current == section;
    } else if (current == section) {
      const auto eq = line.find('=');
      if (eq != std::string::npos) out[trim(line.substr(0, eq))] = trim(line.substr(eq + 1));
    }
  }
  if (!found) throw StorageError(where + ": no [" + section + "] section in credentials_file " + path);
  return out;
}

SigV4Credentials read_credentials(const nlohmann::json& c, const std::string& where) {
  SigV4Credentials out;
  if (c.contains("credentials_file")) {
    const std::string file = home_path(c["credentials_file"].get<std::string>());
    const auto section = credentials_section(file, c.value("profile", std::string("default")), where);
    auto get = [&](const char* k) { return section.count(k) ? section.at(k) : std::string(); };
    out = {get("aws_access_key_id"), get("aws_secret_access_key"), get("aws_session_token")};
    if (out.access_key.empty() || out.secret_key.empty())
      throw StorageError(where + ": credentials_file " + file + " lacks aws_access_key_id or aws_secret_access_key");
    return out;
  }
  const std::string access_env = c.value("access_key_env", std::string("AWS_ACCESS_KEY_ID"));
  const std::string secret_env = c.value("secret_key_env", std::string("AWS_SECRET_ACCESS_KEY"));
  const char* access = std::getenv(access_env.c_str());
  const char* secret = std::getenv(secret_env.c_str());
  if (!access || !*access || !secret || !*secret)
    throw StorageError(where + ": no credentials: set " + access_env + " and " + secret_env +
                       ", or give the backend a credentials_file");
  const char* token = std::getenv("AWS_SESSION_TOKEN");
  return {access, secret, token ? token : ""};
}

std::string amz_date_now() { return utc_text(now_unix(), "%Y%m%dT%H%M%SZ"); }

// Transport failures that a new connection may not have: the server or the link went away.
bool transient_curl_error(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT: case CURLE_OPERATION_TIMEDOUT: case CURLE_SEND_ERROR: case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING: case CURLE_PARTIAL_FILE: case CURLE_SSL_CONNECT_ERROR: case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM: case CURLE_WEIRD_SERVER_REPLY:
      return true;
    default:
      return false;
  }
}

struct Transfer {
  const S3Request* request;
  CURL* curl;
  S3Response* response;
  std::size_t sent = 0;
  bool sink_failed = false;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  long status = 0;
  curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
  if (t->request->sink && status >= 200 && status < 300) {
    t->request->sink->write(data, static_cast<std::streamsize>(n));
    if (!*t->request->sink) {
      t->sink_failed = true;
      return 0;  // ends the transfer with CURLE_WRITE_ERROR
    }
  } else {
    t->response->body.append(data, n);
  }
  return n;
}

std::size_t on_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t n = std::min(size * count, t->request->body_size - t->sent);
  std::memcpy(buffer, t->request->body + t->sent, n);
  t->sent += n;
  return n;
}

int on_seek(void* user, curl_off_t offset, int origin) {  // curl rewinds the body to resend it
  auto* t = static_cast<Transfer*>(user);
  if (origin != SEEK_SET || offset < 0 || static_cast<std::size_t>(offset) > t->request->body_size)
    return CURL_SEEKFUNC_CANTSEEK;
  t->sent = static_cast<std::size_t>(offset);
  return CURL_SEEKFUNC_OK;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* response = static_cast<S3Response*>(user);
  const std::string line(data, size * count);
  const auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    const std::string value = trim(line.substr(colon + 1));
    if (name == "etag") response->etag = value;
    if (name == "content-length") response->content_length = std::strtoull(value.c_str(), nullptr, 10);
  }
  return size * count;
}

}  // namespace

std::string S3Settings::where() const {
  return "s3 backend " + scheme + "://" + host + ":" + std::to_string(port) + " bucket " + bucket;
}

S3Settings read_s3_settings(const std::string& config_json) {
  const auto c = nlohmann::json::parse(config_json);
  S3Settings s;
  const auto server = url_address(c.value("endpoint", ""));
  if (!server) throw StorageError("s3 backend: endpoint must be http://HOST[:PORT] or https://HOST[:PORT]");
  const std::string endpoint = c["endpoint"];
  s.scheme = endpoint.substr(0, endpoint.find("://"));
  s.host = server->host;
  s.port = server->port;
  s.bucket = c.value("bucket", "");
  s.region = c.value("region", s.region);
  s.virtual_hosted = c.value("addressing", std::string("path")) == "virtual";
  s.connect_host = c.value("connect_host", "");
  s.connect_port = static_cast<int>(c.value("connect_port", 0.0));
  s.io_timeout_s = c.value("io_timeout_s", s.io_timeout_s);
  s.ca_file = home_path(c.value("ca_file", std::string()));
  s.part_size = static_cast<std::uint64_t>(c.value("part_size_mb", 16.0) * (1 << 20));
  s.parallel_parts = static_cast<int>(c.value("parallel_parts", 4.0));
  s.list_page_size = static_cast<int>(c.value("list_page_size", 1000.0));
  if (s.bucket.empty()) throw StorageError(s.where() + ": no bucket configured");
  s.credentials = read_credentials(c, s.where());
  return s;
}

S3Client::S3Client(S3Settings settings) : settings_(std::move(settings)), curl_(curl_easy_init(), curl_easy_cleanup) {
  static const bool initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  if (!initialised || !curl_) throw StorageError(settings_.where() + ": libcurl could not be initialised");
}

S3Response S3Client::send(const S3Request& request) {
  const S3Settings& s = settings_;
  const std::string default_port = s.scheme == "https" ? "443" : "80";
  const std::string port = std::to_string(s.port) == default_port ? "" : ":" + std::to_string(s.port);
  const std::string host = (s.virtual_hosted ? s.bucket + "." : "") + s.host + port;
  const std::string path = (s.virtual_hosted ? "" : "/" + s.bucket) + "/" + uri_encode(request.key, true);
  const std::string query = canonical_query(request.query);

  SigV4Request signing{request.method, host, path, request.query, request.headers,
                       !request.body_sha256.empty() ? request.body_sha256
                       : request.body           ? sha256_of_bytes(request.body, request.body_size)
                                                : kEmptyPayloadSha256};
  curl_slist* headers = curl_slist_append(nullptr, ("Host: " + host).c_str());
  for (const auto& line : sigv4_sign(signing, s.credentials, s.region, amz_date_now()))
    headers = curl_slist_append(headers, line.c_str());
  headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip per part
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> header_list(headers, curl_slist_free_all);
  curl_slist* connect_to = nullptr;
  if (!s.connect_host.empty())  // every connection goes to the proxy, whatever the URL's host
    connect_to = curl_slist_append(nullptr, ("::" + s.connect_host + ":" + std::to_string(s.connect_port)).c_str());
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> connect_list(connect_to, curl_slist_free_all);

  S3Response response;
  Transfer transfer{&request, curl_.get(), &response};
  CURL* c = curl_.get();
  curl_easy_reset(c);
  const std::string url = s.scheme + "://" + host + path + (query.empty() ? "" : "?" + query);
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_CONNECT_TO, connect_to);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  if (!s.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, s.ca_file.c_str());  // verification stays on
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(1000 * s.io_timeout_s));
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);  // a stalled link fails instead of hanging
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, std::max(1L, static_cast<long>(s.io_timeout_s)));
  curl_easy_setopt(c, CURLOPT_BUFFERSIZE, 512L * 1024);
  curl_easy_setopt(c, CURLOPT_UPLOAD_BUFFERSIZE, 2L * 1024 * 1024);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &response);
  if (request.method == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else if (request.method == "PUT") {
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, on_upload);
    curl_easy_setopt(c, CURLOPT_READDATA, &transfer);
    curl_easy_setopt(c, CURLOPT_SEEKFUNCTION, on_seek);
    curl_easy_setopt(c, CURLOPT_SEEKDATA, &transfer);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request.body_size));
  } else if (request.method == "POST") {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body ? request.body : "");
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body_size));
  } else if (request.method != "GET") {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  const CURLcode rc = curl_easy_perform(c);
  if (transfer.sink_failed) throw StorageError(s.where() + ": cannot write the local file");
  if (rc != CURLE_OK)
    throw StorageError(s.where() + ": " + request.method + " " + (request.key.empty() ? "/" : request.key) + ": " +
                           curl_easy_strerror(rc) +
                           (rc == CURLE_PEER_FAILED_VERIFICATION ? " (a site CA? give the backend its ca_file)" : ""),
                       transient_curl_error(rc));
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
  if (response.status >= 300) response.error_code = xml_text(response.body, "Code");
  return response;
}

S3Response S3Client::send_ok(const S3Request& request, const std::string& what) {
  S3Response r = send(request);
  require_ok(r, what);
  return r;
}

void S3Client::require_ok(const S3Response& r, const std::string& what) const {
  // Complete Multipart Upload may answer 200 with an <Error> body.
  const bool failed = r.status >= 300 || r.body.find("<Error>") != std::string::npos;
  if (!failed) return;
  const std::string code = !r.error_code.empty() ? r.error_code : xml_text(r.body, "Code");
  const bool transient = r.status >= 500 || code == "SlowDown" || code == "RequestTimeout" || code == "InternalError";
  throw StorageError(settings_.where() + ": " + what + ": HTTP " + std::to_string(r.status) +
                         (code.empty() ? "" : " " + code) +
                         (code == "SignatureDoesNotMatch" || code == "InvalidAccessKeyId"
                              ? " (check the backend's credentials)"
                              : ""),
                     transient);
}

}  // namespace tellus_harness
