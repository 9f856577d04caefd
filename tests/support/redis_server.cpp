#include "support/redis_server.hpp"

#include <arpa/inet.h>
#include <csignal>
#include <fcntl.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

extern char** environ;

namespace wtf::test {

namespace {

using namespace std::chrono_literals;
constexpr auto start_deadline = 5s;
constexpr auto stop_deadline = 5s;

[[noreturn]] void fail(std::string const& what)
{
    throw std::runtime_error("redis_server: " + what + ": " + std::strerror(errno));
}

// Closes a descriptor when it goes out of scope.
class fd_guard {
public:
    explicit fd_guard(int fd) noexcept
        : fd_{fd}
    {
    }
    ~fd_guard()
    {
        if (fd_ >= 0) ::close(fd_);
    }
    fd_guard(fd_guard const&) = delete;
    fd_guard& operator=(fd_guard const&) = delete;
    int get() const noexcept { return fd_; }

private:
    int fd_;
};

sockaddr_in loopback(std::uint16_t port)
{
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    return addr;
}

std::string find_binary()
{
    if (char const* path = std::getenv("PATH")) {
        std::string_view rest{path};
        while (!rest.empty()) {
            auto const colon = rest.find(':');
            auto const dir = rest.substr(0, colon);
            rest = colon == std::string_view::npos ? std::string_view{} : rest.substr(colon + 1);
            if (dir.empty()) continue;
            auto candidate = std::string{dir} + "/redis-server";
            if (::access(candidate.c_str(), X_OK) == 0) return candidate;
        }
    }
    if (::access("/usr/bin/redis-server", X_OK) == 0) return "/usr/bin/redis-server";
    throw std::runtime_error("redis_server: redis-server not found in PATH or /usr/bin");
}

// A port nothing listens on right now: bind to port 0, read the port, close.
std::uint16_t free_port()
{
    fd_guard const s{::socket(AF_INET, SOCK_STREAM, 0)};
    if (s.get() < 0) fail("socket");
    auto addr = loopback(0);
    if (::bind(s.get(), reinterpret_cast<sockaddr const*>(&addr), sizeof addr) != 0) fail("bind");
    socklen_t len = sizeof addr;
    if (::getsockname(s.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) fail("getsockname");
    return ntohs(addr.sin_port);
}

// True when something on the port answers a PING (+PONG, or -NOAUTH with a password set).
bool answers_ping(std::uint16_t port)
{
    fd_guard const s{::socket(AF_INET, SOCK_STREAM, 0)};
    if (s.get() < 0) return false;
    timeval tv{};
    tv.tv_usec = 500'000;
    ::setsockopt(s.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    auto const addr = loopback(port);
    if (::connect(s.get(), reinterpret_cast<sockaddr const*>(&addr), sizeof addr) != 0)
        return false;
    constexpr std::string_view ping = "*1\r\n$4\r\nPING\r\n";
    if (::send(s.get(), ping.data(), ping.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(ping.size()))
        return false;
    char c = 0;
    return ::recv(s.get(), &c, 1, 0) == 1 && (c == '+' || c == '-');
}

std::string read_log(std::string const& dir)
{
    std::ifstream in{dir + "/redis.log"};
    return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

} // namespace

redis_server::redis_server(std::string password)
    : password_{std::move(password)}
    , binary_{find_binary()}
{
    auto pattern = (std::filesystem::temp_directory_path() / "wtf-redis-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) fail("mkdtemp");
    dir_ = pattern;
    port_ = free_port();
    try {
        start();
    } catch (...) {
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
        throw;
    }
}

redis_server::~redis_server()
{
    stop();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
}

void redis_server::start()
{
    if (running()) return;
    auto const port = std::to_string(port_);
    auto const logfile = dir_ + "/redis.log";
    std::vector<std::string> args{
        binary_, "--port", port, "--bind",      "127.0.0.1", "--save",    "",     "--appendonly",
        "no",    "--dir",  dir_, "--daemonize", "no",        "--logfile", logfile};
    if (!password_.empty()) {
        args.emplace_back("--requirepass");
        args.push_back(password_);
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    pid_t pid = -1;
    int const rc = ::posix_spawn(&pid, binary_.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        errno = rc;
        fail("posix_spawn " + binary_);
    }
    pid_ = pid;
    wait_until_ready();
}

void redis_server::wait_until_ready()
{
    auto const deadline = std::chrono::steady_clock::now() + start_deadline;
    while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            throw std::runtime_error("redis_server: redis-server exited at start: " +
                                     read_log(dir_));
        }
        if (answers_ping(port_)) return;
        std::this_thread::sleep_for(10ms);
    }
    stop();
    throw std::runtime_error("redis_server: no answer to PING on port " + std::to_string(port_) +
                             " within 5 s: " + read_log(dir_));
}

void redis_server::stop() noexcept
{
    if (!running()) return;
    ::kill(pid_, SIGTERM);
    auto const deadline = std::chrono::steady_clock::now() + stop_deadline;
    int status = 0;
    while (::waitpid(pid_, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() >= deadline) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, &status, 0);
            break;
        }
        std::this_thread::sleep_for(2ms);
    }
    pid_ = -1;
}

} // namespace wtf::test
