// The `ssh` backend: SFTP through libssh2. The server's host key is checked against
// known_hosts before anything else happens (unknown or changed: a clear error, no data
// moved) unless the backend sets host_key_check: false. Authentication by public key
// (identity_file, ed25519 or ECDSA) or through ssh-agent; no passwords, nothing on the
// command line. Reads and writes use large buffers, which libssh2 sends as pipelined
// SFTP requests.
#include <libssh2.h>
#include <libssh2_sftp.h>
#include <fcntl.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <atomic>
#include <thread>
#include <memory>
#include <optional>
#include <nlohmann/json.hpp>
#include <vector>

#include "storage/file_descriptor.hpp"
#include "storage/home_path.hpp"
#include "tellus_harness/storage/backend_type.hpp"

namespace tellus_harness {

namespace {

constexpr std::size_t kBuffer = 2 << 20;  // large: libssh2 pipelines SFTP requests within one call
constexpr std::uint64_t kParallelGet = 32 << 20;  // files from this size come down in ranges,
constexpr std::size_t kGetConnections = 3;          // over this many connections at once

class SshBackend final : public StorageBackend {
 public:
  SshBackend(std::string root, const std::string& config_json) : root_(std::move(root)), config_json_(config_json) {
    const auto c = nlohmann::json::parse(config_json);
    host_ = c.value("host", "");
    port_ = static_cast<int>(c.value("port", 22.0));
    user_ = c.value("user", std::getenv("USER") ? std::getenv("USER") : "root");
    identity_ = home_path(c.value("identity_file", std::string("~/.ssh/id_ed25519")));
    known_hosts_ = home_path(c.value("known_hosts", std::string("~/.ssh/known_hosts")));
    check_host_key_ = c.value("host_key_check", std::string("true")) != "false";
    use_agent_ = c.value("use_agent", std::string("false")) == "true";
    // Where to connect may differ from whom to expect (a proxy in between): the host key is
    // still checked for host:port.
    connect_host_ = c.value("connect_host", host_);
    connect_port_ = static_cast<int>(c.value("connect_port", static_cast<double>(port_)));
    io_timeout_ms_ = static_cast<long>(1000 * c.value("io_timeout_s", 60.0));
    where_ = user_ + "@" + host_ + ":" + std::to_string(port_);
    if (host_.empty()) throw StorageError("ssh backend: no host configured");
    connect();
  }

  std::string type() const override { return "ssh"; }

  void mkdir(const std::string& path) override {
    std::string so_far = root_;
    for (std::size_t start = 0; start <= path.size();) {
      const std::size_t end = std::min(path.find('/', start), path.size());
      if (end > start) {
        so_far += "/" + path.substr(start, end - start);
        LIBSSH2_SFTP_ATTRIBUTES attrs;
        if (libssh2_sftp_stat(sftp_.get(), so_far.c_str(), &attrs) != 0 &&
            libssh2_sftp_mkdir(sftp_.get(), so_far.c_str(), 0755) != 0)
          fail("cannot create " + so_far);
      }
      start = end + 1;
    }
  }

  void put(const std::string& local_file, const std::string& path, std::uint64_t offset) override {
    std::ifstream in(local_file, std::ios::binary);
    if (!in) throw StorageError("ssh backend: cannot read " + local_file);
    in.seekg(static_cast<std::streamoff>(offset));
    const unsigned long flags = LIBSSH2_FXF_WRITE | LIBSSH2_FXF_CREAT | (offset == 0 ? LIBSSH2_FXF_TRUNC : 0);
    Handle h(libssh2_sftp_open(sftp_.get(), remote(path).c_str(), flags, 0644));
    if (!h.get()) fail("cannot open " + remote(path) + " for writing");
    libssh2_sftp_seek64(h.get(), offset);
    std::vector<char> buffer(kBuffer);
    while (in) {
      in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      const std::size_t n = static_cast<std::size_t>(in.gcount());
      for (std::size_t done = 0; done < n;) {
        const ssize_t w = libssh2_sftp_write(h.get(), buffer.data() + done, n - done);
        if (w < 0) {
          StorageError e = error("cannot write " + remote(path));
          // libssh2 1.10 hangs closing a handle whose pipelined writes failed, and in any later
          // request on its channel: leave both, and go on on a new channel.
          h.abandon();
          replace_channel();
          // SFTP v3 reports a full disk as a bare "failure": ask the server's file system.
          if (const auto free = e.transient() ? std::nullopt : free_bytes(); free && *free < n - done)
            throw StorageError("ssh backend " + where_ + ": cannot write " + remote(path) +
                               ": No space left on device on the server (" + std::to_string(*free) + " bytes free)");
          throw e;
        }
        done += static_cast<std::size_t>(w);
      }
    }
  }

  // A large file comes down over several connections at once, a range each: one libssh2
  // session is CPU-bound on decryption (a core), while the sshd has capacity to spare.
  void get(const std::string& path, const std::string& local_file, std::uint64_t offset) override {
    const auto stored = stat(path);
    if (!stored) throw StorageError("ssh backend " + where_ + ": " + remote(path) + " does not exist");
    const std::uint64_t size = stored->size;
    if (offset > size) offset = 0;  // a local copy longer than the file: not a prefix of it
    FileDescriptor local(local_file, O_WRONLY | O_CREAT | (offset == 0 ? O_TRUNC : 0), "ssh backend", "write");
    const std::size_t ranges = size - offset >= kParallelGet ? kGetConnections : 1;
    std::vector<std::uint64_t> starts;
    for (std::size_t r = 0; r <= ranges; ++r) starts.push_back(offset + (size - offset) * r / ranges);
    std::vector<std::atomic<std::uint64_t>> done(ranges);
    std::vector<std::exception_ptr> failures(ranges);
    std::vector<std::thread> others;
    for (std::size_t r = 1; r < ranges; ++r)  // the first range on this connection, the others on new ones
      others.emplace_back([&, r] {
        try {
          SshBackend(root_, config_json_).read_range(path, local.get(), starts[r], starts[r + 1], done[r]);
        } catch (...) {
          failures[r] = std::current_exception();
        }
      });
    try {
      read_range(path, local.get(), starts[0], starts[1], done[0]);
    } catch (...) {
      failures[0] = std::current_exception();
    }
    for (auto& t : others) t.join();
    // Keep what arrived without a gap, so that a retry resumes right after it.
    std::uint64_t arrived = size;
    std::exception_ptr failure;
    for (std::size_t r = 0; r < ranges; ++r) {
      if (!failure) failure = failures[r];
      if (arrived == size && done[r] < starts[r + 1] - starts[r]) arrived = starts[r] + done[r];
    }
    const bool truncated = ftruncate(local.get(), static_cast<off_t>(arrived)) == 0;
    if (failure) std::rethrow_exception(failure);
    if (!truncated) throw StorageError("ssh backend: cannot write " + local_file + ": " + std::strerror(errno));
    local.close(local_file);
  }

  std::vector<StoredObject> list(const std::string& dir) override {
    Handle h(libssh2_sftp_opendir(sftp_.get(), remote(dir).c_str()));
    if (!h.get()) fail("cannot list " + remote(dir));
    std::vector<StoredObject> out;
    char name[1024];
    LIBSSH2_SFTP_ATTRIBUTES attrs;
    while (libssh2_sftp_readdir(h.get(), name, sizeof name, &attrs) > 0) {
      if (std::strcmp(name, ".") == 0 || std::strcmp(name, "..") == 0) continue;
      out.push_back({name, attrs.filesize, LIBSSH2_SFTP_S_ISDIR(attrs.permissions)});
    }
    return out;
  }

  std::optional<StoredObject> stat(const std::string& path) override {
    LIBSSH2_SFTP_ATTRIBUTES attrs;
    if (libssh2_sftp_stat(sftp_.get(), remote(path).c_str(), &attrs) != 0) {
      if (libssh2_sftp_last_error(sftp_.get()) == LIBSSH2_FX_NO_SUCH_FILE) return std::nullopt;
      fail("cannot stat " + remote(path));
    }
    return StoredObject{path.substr(path.rfind('/') + 1), attrs.filesize, LIBSSH2_SFTP_S_ISDIR(attrs.permissions)};
  }

  void remove(const std::string& path) override {
    const auto st = stat(path);
    if (!st) return;
    if (st->directory) {
      for (const auto& o : list(path)) remove(path + "/" + o.name);
      if (libssh2_sftp_rmdir(sftp_.get(), remote(path).c_str()) != 0) fail("cannot remove " + remote(path));
    } else if (libssh2_sftp_unlink(sftp_.get(), remote(path).c_str()) != 0) {
      fail("cannot remove " + remote(path));
    }
  }

 private:
  struct Handle {
    explicit Handle(LIBSSH2_SFTP_HANDLE* h) : h_(h) {}
    ~Handle() {
      if (h_) libssh2_sftp_close_handle(h_);
    }
    void abandon() { h_ = nullptr; }  // freed with the session
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
    LIBSSH2_SFTP_HANDLE* get() const { return h_; }
    LIBSSH2_SFTP_HANDLE* h_;
  };

  std::string remote(const std::string& path) const { return path.empty() ? root_ : root_ + "/" + path; }

  [[noreturn]] void fail(const std::string& what) const { throw error(what); }

  // What libssh2 last reported, as an error about `what`.
  StorageError error(const std::string& what) const {
    char* message = nullptr;
    int length = 0;
    const int code = libssh2_session_last_error(session_.get(), &message, &length, 0);
    std::string why = message ? std::string(message, static_cast<std::size_t>(length)) : "failed";
    bool transient = link_failed(code);
    if (sftp_.get() && code == LIBSSH2_ERROR_SFTP_PROTOCOL) {
      const unsigned long status = libssh2_sftp_last_error(sftp_.get());
      why = "SFTP status " + std::to_string(status);
      transient = status == LIBSSH2_FX_NO_CONNECTION || status == LIBSSH2_FX_CONNECTION_LOST;
    }
    return StorageError("ssh backend " + where_ + ": " + what + ": " + why, transient);
  }

  // Bytes [from, to) of `path` into `fd` at the same offsets; `done` counts what is written.
  void read_range(const std::string& path, int fd, std::uint64_t from, std::uint64_t to,
                  std::atomic<std::uint64_t>& done) {
    Handle h(libssh2_sftp_open(sftp_.get(), remote(path).c_str(), LIBSSH2_FXF_READ, 0));
    if (!h.get()) fail("cannot open " + remote(path));
    libssh2_sftp_seek64(h.get(), from);
    std::vector<char> buffer(kBuffer);
    for (std::uint64_t at = from; at < to;) {
      const ssize_t n = libssh2_sftp_read(h.get(), buffer.data(), std::min<std::uint64_t>(buffer.size(), to - at));
      if (n < 0) fail("cannot read " + remote(path));
      if (n == 0) throw StorageError("ssh backend " + where_ + ": " + remote(path) + " ended early; did it change?");
      for (ssize_t put = 0; put < n;) {
        const ssize_t w = pwrite(fd, buffer.data() + put, static_cast<std::size_t>(n - put), static_cast<off_t>(at + put));
        if (w < 0) throw StorageError(std::string("ssh backend: cannot write the local copy: ") + std::strerror(errno));
        put += w;
      }
      at += static_cast<std::uint64_t>(n);
      done += static_cast<std::uint64_t>(n);
    }
  }

  void replace_channel() {
    // The old channel may hang when closed (see put): it is left to be freed with the session.
    (void)sftp_.release();
    sftp_.reset(libssh2_sftp_init(session_.get()));
    if (!sftp_) fail("cannot start SFTP");
  }

  // Free bytes on the file system of the root; nullopt if the server cannot say.
  std::optional<std::uint64_t> free_bytes() {
    LIBSSH2_SFTP_STATVFS st{};
    if (libssh2_sftp_statvfs(sftp_.get(), root_.c_str(), root_.size(), &st) != 0) return std::nullopt;
    return st.f_bavail * st.f_frsize;
  }

  // libssh2 errors that mean the connection, not the request, failed.
  static bool link_failed(int code) {
    switch (code) {
      case LIBSSH2_ERROR_SOCKET_NONE: case LIBSSH2_ERROR_BANNER_RECV: case LIBSSH2_ERROR_BANNER_SEND:
      case LIBSSH2_ERROR_INVALID_MAC: case LIBSSH2_ERROR_KEX_FAILURE: case LIBSSH2_ERROR_SOCKET_SEND:
      case LIBSSH2_ERROR_KEY_EXCHANGE_FAILURE: case LIBSSH2_ERROR_TIMEOUT: case LIBSSH2_ERROR_DECRYPT:
      case LIBSSH2_ERROR_SOCKET_DISCONNECT: case LIBSSH2_ERROR_PROTO: case LIBSSH2_ERROR_CHANNEL_FAILURE:
      case LIBSSH2_ERROR_CHANNEL_CLOSED: case LIBSSH2_ERROR_CHANNEL_EOF_SENT: case LIBSSH2_ERROR_SOCKET_TIMEOUT:
      case LIBSSH2_ERROR_SOCKET_RECV: case LIBSSH2_ERROR_BAD_SOCKET:
        return true;
      default:
        return false;
    }
  }

  void connect() {
    static const bool initialised = libssh2_init(0) == 0;
    if (!initialised) throw StorageError("ssh backend: libssh2 could not be initialised");
    addrinfo hints{}, *found = nullptr;
    hints.ai_socktype = SOCK_STREAM;
    if (const int rc = getaddrinfo(connect_host_.c_str(), std::to_string(connect_port_).c_str(), &hints, &found); rc != 0)
      throw StorageError("ssh backend " + where_ + ": cannot resolve host: " + gai_strerror(rc), rc == EAI_AGAIN);
    for (addrinfo* a = found; a && socket_.fd < 0; a = a->ai_next) {
      socket_.fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
      if (socket_.fd >= 0 && ::connect(socket_.fd, a->ai_addr, a->ai_addrlen) != 0) {
        close(socket_.fd);
        socket_.fd = -1;
      }
    }
    const int connect_errno = errno;
    freeaddrinfo(found);
    if (socket_.fd < 0)  // refused, unreachable or timed out: the server may be restarting
      throw StorageError("ssh backend " + where_ + ": cannot connect: " + std::strerror(connect_errno), true);
    session_.reset(libssh2_session_init());
    if (!session_) throw StorageError("ssh backend " + where_ + ": cannot start an SSH session (out of memory?)");
    libssh2_session_set_blocking(session_.get(), 1);
    libssh2_session_set_timeout(session_.get(), io_timeout_ms_);  // a stalled link fails instead of hanging
    if (libssh2_session_handshake(session_.get(), socket_.fd) != 0) fail("SSH handshake failed");
    if (check_host_key_) verify_host_key();
    authenticate();
    sftp_.reset(libssh2_sftp_init(session_.get()));
    if (!sftp_) fail("cannot start SFTP");
  }

  void verify_host_key() {
    LIBSSH2_KNOWNHOSTS* hosts = libssh2_knownhost_init(session_.get());
    const int read = libssh2_knownhost_readfile(hosts, known_hosts_.c_str(), LIBSSH2_KNOWNHOST_FILE_OPENSSH);
    std::size_t length = 0;
    int key_type = 0;
    const char* key = libssh2_session_hostkey(session_.get(), &length, &key_type);
    libssh2_knownhost* entry = nullptr;
    const int check = key ? libssh2_knownhost_checkp(hosts, host_.c_str(), port_, key, length,
                                                     LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW, &entry)
                          : LIBSSH2_KNOWNHOST_CHECK_FAILURE;
    libssh2_knownhost_free(hosts);
    if (check == LIBSSH2_KNOWNHOST_CHECK_MATCH) return;
    const std::string file = known_hosts_ + (read < 0 ? " (unreadable)" : "");
    if (check == LIBSSH2_KNOWNHOST_CHECK_MISMATCH)
      throw StorageError("ssh backend " + where_ + ": the host key has CHANGED since it was recorded in " + file +
                         "; refusing to connect (no data moved). If the change is expected, update known_hosts");
    throw StorageError("ssh backend " + where_ + ": unknown host key (not in " + file +
                       "); no data moved. Add it, e.g. ssh-keyscan -p " + std::to_string(port_) + " " + host_ + " >> " +
                       known_hosts_ + ", or set host_key_check: false");
  }

  void authenticate() {
    if (use_agent_) {
      LIBSSH2_AGENT* agent = libssh2_agent_init(session_.get());
      bool ok = false;
      if (agent && libssh2_agent_connect(agent) == 0 && libssh2_agent_list_identities(agent) == 0) {
        libssh2_agent_publickey *identity = nullptr, *previous = nullptr;
        while (!ok && libssh2_agent_get_identity(agent, &identity, previous) == 0) {
          ok = libssh2_agent_userauth(agent, user_.c_str(), identity) == 0;
          previous = identity;
        }
        libssh2_agent_disconnect(agent);
      }
      if (agent) libssh2_agent_free(agent);
      if (ok) return;
      throw StorageError("ssh backend " + where_ + ": no key in ssh-agent was accepted");
    }
    const std::string pub = identity_ + ".pub";
    const bool have_pub = access(pub.c_str(), R_OK) == 0;
    if (access(identity_.c_str(), R_OK) != 0)
      throw StorageError("ssh backend " + where_ + ": cannot read identity_file " + identity_);
    if (libssh2_userauth_publickey_fromfile_ex(session_.get(), user_.c_str(), static_cast<unsigned>(user_.size()),
                                               have_pub ? pub.c_str() : nullptr, identity_.c_str(), nullptr) != 0)
      fail("public-key authentication with " + identity_ + " was refused");
  }

  std::string root_;
  std::string config_json_;  // for the second connection of a parallel get
  std::string host_, user_, identity_, known_hosts_, where_;
  int port_ = 22;
  std::string connect_host_;
  int connect_port_ = 22;
  long io_timeout_ms_ = 60000;
  bool check_host_key_ = true;
  bool use_agent_ = false;
  // Owned from the first line: when connect() throws half way (handshake, host key,
  // authentication; once per retry), no destructor of the backend runs, but its members' do.
  // Declared in the order they are made, so they end in reverse: SFTP, session, socket.
  struct Socket {
    int fd = -1;
    ~Socket() {
      if (fd >= 0) close(fd);
    }
  };
  struct EndSession {
    void operator()(LIBSSH2_SESSION* s) const {
      libssh2_session_disconnect(s, "done");
      libssh2_session_free(s);
    }
  };
  struct EndSftp {
    void operator()(LIBSSH2_SFTP* s) const { libssh2_sftp_shutdown(s); }
  };
  Socket socket_;
  std::unique_ptr<LIBSSH2_SESSION, EndSession> session_;
  std::unique_ptr<LIBSSH2_SFTP, EndSftp> sftp_;
};

}  // namespace

BackendType ssh_backend_type() {
  using Kind = BackendKey::Kind;
  BackendType t;
  t.name = "ssh";
  t.keys = {{"host"}, {"port", Kind::kNumber, 65535}, {"user"}, {"identity_file"}, {"known_hosts"},
            {"host_key_check", Kind::kBoolean}, {"use_agent", Kind::kBoolean}, {"io_timeout_s", Kind::kNumber, 1e6}};
  t.reach = BackendType::Reach::kRemote;
  t.check = [](const std::string& config_json) -> std::optional<BackendConfigProblem> {
    if (!nlohmann::json::parse(config_json).contains("host")) return BackendConfigProblem{"host", "is required for an ssh backend"};
    return std::nullopt;
  };
  t.address = [](const std::string& config_json) -> std::optional<ServerAddress> {
    const auto c = nlohmann::json::parse(config_json);
    if (!c.contains("host")) return std::nullopt;
    return ServerAddress{c["host"].get<std::string>(), static_cast<int>(c.value("port", 22.0))};
  };
  t.open = [](const std::string& root, const std::string& config_json) -> std::unique_ptr<StorageBackend> {
    return std::make_unique<SshBackend>(root, config_json);
  };
  return t;
}

}  // namespace tellus_harness
