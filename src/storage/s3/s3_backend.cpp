// The `s3` backend: objects under a key prefix (the backend's root) in one bucket, through
// S3Client. Objects up to part_size go up in one PUT; larger ones as a multipart upload whose
// parts go up `parallel_parts` at a time, each retried on its own when the link breaks, so a
// reset costs one part, not the object. Every PUT signs the SHA-256 of its body, which the
// server checks (Content-MD5 as well would cost more CPU than the transfer on a small node).
// Gets stream to the local file and resume with a Range request.
// There are no directories: mkdir checks that the bucket answers, and a "directory" is a prefix.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "storage/file_descriptor.hpp"
#include "storage/s3/s3_client.hpp"
#include "storage/s3/s3_xml.hpp"
#include "tellus_harness/common/sha256.hpp"
#include "tellus_harness/common/wall_clock.hpp"
#include "tellus_harness/storage/backend_type.hpp"
#include "tellus_harness/storage/retrying_backend.hpp"

namespace tellus_harness {

namespace {

// Reads `size` bytes at `offset` of an open file descriptor.
void read_range(int fd, std::vector<char>& buffer, std::uint64_t offset, std::size_t size, const std::string& file) {
  buffer.resize(size);
  for (std::size_t done = 0; done < size;) {
    const ssize_t n = pread(fd, buffer.data() + done, size - done, static_cast<off_t>(offset + done));
    if (n <= 0) throw StorageError("s3 backend: cannot read " + file);
    done += static_cast<std::size_t>(n);
  }
}

class S3Backend final : public StorageBackend {
 public:
  S3Backend(std::string root, const std::string& config_json) : client_(read_s3_settings(config_json)) {
    while (!root.empty() && root.front() == '/') root.erase(0, 1);
    while (!root.empty() && root.back() == '/') root.pop_back();
    prefix_ = root.empty() ? "" : root + "/";
  }

  std::string type() const override { return "s3"; }
  int retries() const override { return part_retries_; }

  void mkdir(const std::string&) override {
    // Nothing to create; fail here, early and clearly, if the bucket or the credentials are wrong.
    client_.send_ok({"GET", "", {{"list-type", "2"}, {"max-keys", "1"}}}, "checking the bucket");
  }

  void put(const std::string& local_file, const std::string& path, std::uint64_t offset) override {
    const std::uint64_t size = std::filesystem::file_size(local_file);
    if (offset > 0 && offset == size) return;  // a retry found the object complete
    // Objects are written whole (S3 cannot append); a broken multipart upload resumes by part.
    if (size <= client_.settings().part_size) put_single(local_file, path, size);
    else put_multipart(local_file, path, size);
  }

  void get(const std::string& path, const std::string& local_file, std::uint64_t offset) override {
    if (offset > 0) {  // a resume: the object may have been complete, or the local copy is not its prefix
      const auto stored = stat(path);
      if (stored && offset == stored->size) return;
      if (!stored || offset > stored->size) offset = 0;
    }
    std::ofstream out(local_file, offset == 0 ? std::ios::binary | std::ios::trunc : std::ios::binary | std::ios::in | std::ios::out);
    if (!out) throw StorageError("s3 backend: cannot write " + local_file);
    out.seekp(static_cast<std::streamoff>(offset));
    S3Request r{"GET", key(path)};
    if (offset > 0) r.headers["range"] = "bytes=" + std::to_string(offset) + "-";
    r.sink = &out;
    client_.send_ok(r, "GET " + key(path));
    out.flush();
    if (!out) throw StorageError("s3 backend: cannot write " + local_file);
  }

  std::vector<StoredObject> list(const std::string& dir) override {
    std::vector<StoredObject> out;
    const std::string p = key(dir).empty() ? "" : key(dir) + "/";
    for_each_page(p, "/", [&](const std::string& page) {
      for (const auto& c : xml_elements(page, "Contents")) {
        const std::string k = xml_text(c, "Key");
        if (k.size() > p.size()) out.push_back({k.substr(p.size()), std::strtoull(xml_text(c, "Size").c_str(), nullptr, 10), false});
      }
      for (const auto& c : xml_elements(page, "CommonPrefixes")) {
        std::string k = xml_text(c, "Prefix");
        if (!k.empty() && k.back() == '/') k.pop_back();
        if (k.size() > p.size()) out.push_back({k.substr(p.size()), 0, true});
      }
    });
    return out;
  }

  std::optional<StoredObject> stat(const std::string& path) override {
    const S3Response r = client_.send({"HEAD", key(path)});
    const std::string name = path.substr(path.rfind('/') + 1);
    if (r.status == 200) return StoredObject{name, r.content_length, false};
    if (r.status != 404) client_.require_ok(r, "HEAD " + key(path));
    // Not an object: a directory if keys start with it.
    const S3Response listing =
        client_.send_ok({"GET", "", {{"list-type", "2"}, {"max-keys", "1"}, {"prefix", key(path) + "/"}}}, "list " + key(path));
    if (!xml_elements(listing.body, "Contents").empty()) return StoredObject{name, 0, true};
    return std::nullopt;
  }

  void remove(const std::string& path) override {
    if (client_.send({"HEAD", key(path)}).status == 200) {
      client_.send_ok({"DELETE", key(path)}, "DELETE " + key(path));
      return;
    }
    std::vector<std::string> keys;  // a "directory": every key under it
    for_each_page(key(path) + "/", "", [&](const std::string& page) {
      for (const auto& c : xml_elements(page, "Contents")) keys.push_back(xml_text(c, "Key"));
    });
    for (const auto& k : keys) client_.send_ok({"DELETE", k}, "DELETE " + k);
  }

 private:
  std::string key(const std::string& path) const {
    std::string k = prefix_ + path;
    while (!k.empty() && k.back() == '/') k.pop_back();
    return k;
  }

  // ListObjectsV2, following continuation tokens; `on_page` gets each page's XML.
  template <typename OnPage>
  void for_each_page(const std::string& prefix, const std::string& delimiter, OnPage on_page) {
    std::string token;
    do {
      S3Request r{"GET", "", {{"list-type", "2"}, {"prefix", prefix}, {"max-keys", std::to_string(client_.settings().list_page_size)}}};
      if (!delimiter.empty()) r.query["delimiter"] = delimiter;
      if (!token.empty()) r.query["continuation-token"] = token;
      const S3Response page = client_.send_ok(r, "list " + prefix);
      on_page(page.body);
      token = xml_text(page.body, "IsTruncated") == "true" ? xml_text(page.body, "NextContinuationToken") : "";
    } while (!token.empty());
  }

  static S3Request body_request(const std::string& method, const std::string& key, const std::vector<char>& body) {
    S3Request r{method, key};
    r.body = body.data();
    r.body_size = body.size();
    r.body_sha256 = sha256_of_bytes(body.data(), body.size());  // signed: the server checks the body against it
    return r;
  }

  void put_single(const std::string& local_file, const std::string& path, std::uint64_t size) {
    FileDescriptor fd(local_file, O_RDONLY, "s3 backend", "read");
    std::vector<char> body;
    read_range(fd.get(), body, 0, static_cast<std::size_t>(size), local_file);
    client_.send_ok(body_request("PUT", key(path), body), "PUT " + key(path));
  }

  void put_multipart(const std::string& local_file, const std::string& path, std::uint64_t size) {
    const S3Settings& s = client_.settings();
    const std::string k = key(path);
    const std::string upload_id =
        xml_text(client_.send_ok({"POST", k, {{"uploads", ""}}}, "start multipart upload of " + k).body, "UploadId");
    if (upload_id.empty()) throw StorageError(s.where() + ": start multipart upload of " + k + ": no UploadId in the answer");
    const std::size_t parts = static_cast<std::size_t>((size + s.part_size - 1) / s.part_size);
    std::vector<std::string> etags(parts);
    std::atomic<std::size_t> next{0};
    std::mutex failure_lock;
    std::optional<StorageError> failure;
    FileDescriptor fd(local_file, O_RDONLY, "s3 backend", "read");
    auto worker = [&] {
      try {
        S3Client client(s);  // a connection of its own
        std::vector<char> body;
        for (std::size_t part; (part = next++) < parts;) {
          {
            std::lock_guard<std::mutex> lock(failure_lock);
            if (failure) return;
          }
          const std::uint64_t from = part * s.part_size;
          read_range(fd.get(), body, from, static_cast<std::size_t>(std::min<std::uint64_t>(s.part_size, size - from)), local_file);
          S3Request r = body_request("PUT", k, body);
          r.query = {{"partNumber", std::to_string(part + 1)}, {"uploadId", upload_id}};
          etags[part] = with_retries([&] { return client.send_ok(r, "PUT part " + std::to_string(part + 1) + " of " + k); }).etag;
        }
      } catch (const StorageError& e) {
        std::lock_guard<std::mutex> lock(failure_lock);
        if (!failure) failure = e;
      }
    };
    std::vector<std::thread> workers;
    for (int i = 0; i < std::min<int>(s.parallel_parts, static_cast<int>(parts)); ++i) workers.emplace_back(worker);
    for (auto& w : workers) w.join();
    if (failure) {
      try {  // leaves no orphaned parts behind (they cost storage); best effort
        client_.send({"DELETE", k, {{"uploadId", upload_id}}});
      } catch (const StorageError&) {
      }
      throw *failure;
    }
    std::string xml = "<CompleteMultipartUpload>";
    for (std::size_t i = 0; i < parts; ++i)
      xml += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" + xml_escape(etags[i]) + "</ETag></Part>";
    xml += "</CompleteMultipartUpload>";
    const std::vector<char> body(xml.begin(), xml.end());
    S3Request complete = body_request("POST", k, body);
    complete.query = {{"uploadId", upload_id}};
    with_retries([&] { return client_.send_ok(complete, "complete multipart upload of " + k); });
  }

  // A part's own retries: transient failures wait (exponential backoff with jitter) and try
  // again, up to 8 times or the test's deadline.
  template <typename Op>
  S3Response with_retries(Op op) {
    const double deadline = test_deadline_unix();
    for (int attempt = 0;; ++attempt) {
      try {
        return op();
      } catch (const StorageError& e) {
        const double wait = retry_backoff_s(attempt);
        if (!e.transient() || attempt == 7 || (deadline > 0 && now_unix() + wait >= deadline)) throw;
        std::this_thread::sleep_for(std::chrono::duration<double>(wait));
        ++part_retries_;
      }
    }
  }

  S3Client client_;
  std::string prefix_;
  std::atomic<int> part_retries_{0};
};

}  // namespace

BackendType s3_backend_type() {
  using Kind = BackendKey::Kind;
  BackendType t;
  t.name = "s3";
  t.keys = {{"endpoint"}, {"region"}, {"bucket"}, {"addressing"}, {"access_key_env"}, {"secret_key_env"},
            {"credentials_file"}, {"profile"}, {"ca_file"},
            {"part_size_mb", Kind::kNumber, 5120},    // S3's largest part
            {"parallel_parts", Kind::kNumber, 64},
            {"list_page_size", Kind::kNumber, 1000},  // S3's largest page
            {"io_timeout_s", Kind::kNumber, 1e6}};
  t.reach = BackendType::Reach::kRemote;
  t.default_root = BackendType::DefaultRoot::kTopLevel;  // the bucket's top level: keys are not local paths
  t.check = [](const std::string& config_json) -> std::optional<BackendConfigProblem> {
    const auto config = nlohmann::json::parse(config_json);
    for (const char* k : {"endpoint", "bucket"})
      if (!config.contains(k)) return BackendConfigProblem{"", std::string(k) + " is required for an s3 backend"};
    const std::string endpoint = config["endpoint"];
    if ((endpoint.rfind("http://", 0) != 0 && endpoint.rfind("https://", 0) != 0) || !url_address(endpoint))
      return BackendConfigProblem{"endpoint", "must start with http:// or https:// and name a host, e.g. https://s3.example.org:443"};
    const std::string addressing = config.value("addressing", std::string("path"));
    if (addressing != "path" && addressing != "virtual") return BackendConfigProblem{"addressing", "must be path or virtual"};
    if (config.value("part_size_mb", 16.0) < 5) return BackendConfigProblem{"part_size_mb", "must be at least 5 (S3's smallest part)"};
    return std::nullopt;
  };
  t.address = [](const std::string& config_json) -> std::optional<ServerAddress> {
    return url_address(nlohmann::json::parse(config_json).value("endpoint", ""));
  };
  t.open = [](const std::string& root, const std::string& config_json) -> std::unique_ptr<StorageBackend> {
    return std::make_unique<S3Backend>(root, config_json);
  };
  return t;
}

}  // namespace tellus_harness
