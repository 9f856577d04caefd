#include "support/redis_server.hpp"
#include "support/server_process.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

namespace wtf::test {

namespace {

using namespace std::chrono_literals;
constexpr auto start_deadline = 5s;
constexpr auto stop_deadline = 5s;

// Closes a descriptor when it goes out of scope.
class fd_guard {
public:
    explicit fd_guard(int fd) noexcept : fd_{fd} {}
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
    : password_{std::move(password)}, binary_{find_executable("redis-server", "redis-server")}
{
    port_ = free_loopback_port();
    start(); // on failure the directory goes with the member
}

redis_server::~redis_server() { stop(); }

void redis_server::start()
{
    if (running()) return;
    auto const port = std::to_string(port_);
    auto const logfile = dir_.file("redis.log");
    std::vector<std::string> args{binary_,     "--port",    port,        "--bind",
                                  "127.0.0.1", "--save",    "",          "--appendonly",
                                  "no",        "--dir",     dir_.path(), "--daemonize",
                                  "no",        "--logfile", logfile};
    if (!password_.empty()) {
        args.emplace_back("--requirepass");
        args.push_back(password_);
    }
    // stdout and stderr go to the log too: a bad argument is reported there, not in --logfile.
    pid_ = spawn_process(args, logfile);
    wait_until_ready();
}

void redis_server::wait_until_ready()
{
    auto const deadline = std::chrono::steady_clock::now() + start_deadline;
    while (std::chrono::steady_clock::now() < deadline) {
        if (exited(pid_)) {
            throw std::runtime_error("redis_server: redis-server exited at start: " +
                                     read_log(dir_.path()));
        }
        if (answers_ping(port_)) return;
        std::this_thread::sleep_for(10ms);
    }
    stop();
    throw std::runtime_error("redis_server: no answer to PING on port " + std::to_string(port_) +
                             " within 5 s: " + read_log(dir_.path()));
}

void redis_server::stop() noexcept { stop_process(pid_, stop_deadline); }

} // namespace wtf::test
