#include "support/influx_server.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <arpa/inet.h>
#include <csignal>
#include <fcntl.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
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

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

// influxd 1.6 opens its stores and the meta service before it listens: a second or two.
constexpr auto start_deadline = 15s;
constexpr auto stop_deadline = 5s;
constexpr auto request_timeout = 5s;

[[noreturn]] void fail(std::string const& what)
{
    throw std::runtime_error("influx_server: " + what + ": " + std::strerror(errno));
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
            auto candidate = std::string{dir} + "/influxd";
            if (::access(candidate.c_str(), X_OK) == 0) return candidate;
        }
    }
    if (::access("/usr/bin/influxd", X_OK) == 0) return "/usr/bin/influxd";
    throw std::runtime_error("influx_server: influxd not found in PATH or /usr/bin "
                             "(Debian: apt-get install influxdb)");
}

// A port nothing listens on right now: bind to port 0, read the port, close.
std::uint16_t free_port()
{
    int const s = ::socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) fail("socket");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = 0;
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    socklen_t len = sizeof addr;
    bool const ok = ::bind(s, reinterpret_cast<sockaddr const*>(&addr), sizeof addr) == 0 &&
                    ::getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
    auto const saved = errno;
    ::close(s);
    errno = saved;
    if (!ok) fail("bind");
    return ntohs(addr.sin_port);
}

std::string encoded(std::string_view text)
{
    return boost::urls::encode(text, boost::urls::unreserved_chars);
}

// One blocking request on a fresh connection; throws boost::system::system_error on failure.
influx_server::reply exchange(std::uint16_t port, http::verb verb, std::string const& target,
                              std::string body, std::string_view content_type)
{
    asio::io_context ioc;
    tcp::socket socket{ioc};
    socket.connect(tcp::endpoint{asio::ip::make_address_v4("127.0.0.1"), port});
    // Blocking calls have no timeout of their own.
    timeval tv{};
    tv.tv_sec = std::chrono::duration_cast<std::chrono::seconds>(request_timeout).count();
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);

    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
    if (!content_type.empty()) req.set(http::field::content_type, content_type);
    req.keep_alive(false);
    req.body() = std::move(body);
    req.prepare_payload();
    http::write(socket, req);

    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(socket, buffer, res);
    beast::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    return {res.result_int(), std::move(res.body())};
}

std::string credentials(std::string const& username, std::string const& password)
{
    if (username.empty()) return {};
    return "&u=" + encoded(username) + "&p=" + encoded(password);
}

} // namespace

influx_server::influx_server(bool auth_enabled)
    : auth_enabled_{auth_enabled}
    , binary_{find_binary()}
{
    auto pattern = (std::filesystem::temp_directory_path() / "wtf-influx-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) fail("mkdtemp");
    dir_ = pattern;
    http_port_ = free_port();
    rpc_port_ = free_port();
    while (rpc_port_ == http_port_) rpc_port_ = free_port();
    try {
        start();
    } catch (...) {
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
        throw;
    }
}

influx_server::~influx_server()
{
    stop();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
}

std::string influx_server::url() const
{
    return "http://127.0.0.1:" + std::to_string(http_port_);
}

void influx_server::start()
{
    // The keys influxd 1.6.7 knows (`influxd config` prints them); unknown ones are ignored.
    auto const config_path = dir_ + "/influxd.conf";
    {
        std::ofstream config{config_path};
        config << "reporting-disabled = true\n"
               << "bind-address = \"127.0.0.1:" << rpc_port_ << "\"\n"
               << "[meta]\n"
               << "  dir = \"" << dir_ << "/meta\"\n"
               << "  logging-enabled = false\n"
               << "[data]\n"
               << "  dir = \"" << dir_ << "/data\"\n"
               << "  wal-dir = \"" << dir_ << "/wal\"\n"
               << "  query-log-enabled = false\n"
               << "[monitor]\n"
               << "  store-enabled = false\n"
               << "[http]\n"
               << "  bind-address = \"127.0.0.1:" << http_port_ << "\"\n"
               << "  auth-enabled = " << (auth_enabled_ ? "true" : "false") << "\n"
               << "  log-enabled = false\n"
               << "  pprof-enabled = false\n"
               << "[logging]\n"
               << "  level = \"warn\"\n"
               << "  suppress-logo = true\n"
               << "[continuous_queries]\n"
               << "  enabled = false\n"
               << "[retention]\n"
               << "  enabled = false\n"
               << "[shard-precreation]\n"
               << "  enabled = false\n"
               << "[subscriber]\n"
               << "  enabled = false\n";
        if (!config) fail("cannot write " + config_path);
    }

    std::vector<std::string> args{binary_, "-config", config_path};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    auto const logfile = dir_ + "/influxd.log";
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, logfile.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
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

void influx_server::wait_until_ready()
{
    auto const deadline = std::chrono::steady_clock::now() + start_deadline;
    while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            throw std::runtime_error("influx_server: influxd exited at start: " + log());
        }
        try {
            if (exchange(http_port_, http::verb::get, "/ping", {}, {}).status == 204) return;
        } catch (std::exception const&) {
            // Not listening yet.
        }
        std::this_thread::sleep_for(20ms);
    }
    stop();
    throw std::runtime_error("influx_server: no 204 from GET /ping on port " +
                             std::to_string(http_port_) + " within 15 s: " + log());
}

void influx_server::stop() noexcept
{
    if (pid_ <= 0) return;
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

std::string influx_server::log() const
{
    std::ifstream in{dir_ + "/influxd.log"};
    return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

influx_server::reply influx_server::query(std::string const& statement, std::string const& username,
                                          std::string const& password) const
{
    try {
        // InfluxDB reads u and p from the URL only, q from the URL or the form.
        auto const auth = credentials(username, password);
        auto const target = auth.empty() ? std::string{"/query"} : "/query?" + auth.substr(1);
        return exchange(http_port_, http::verb::post, target, "q=" + encoded(statement),
                        "application/x-www-form-urlencoded");
    } catch (std::exception const& e) {
        throw std::runtime_error("influx_server: POST /query failed: " + std::string{e.what()});
    }
}

influx_server::reply influx_server::write(std::string const& database, std::string const& lines,
                                          std::string const& precision, std::string const& username,
                                          std::string const& password) const
{
    auto const target = "/write?db=" + encoded(database) + "&precision=" + encoded(precision) +
                        credentials(username, password);
    try {
        return exchange(http_port_, http::verb::post, target, lines, "text/plain");
    } catch (std::exception const& e) {
        throw std::runtime_error("influx_server: POST /write failed: " + std::string{e.what()});
    }
}

} // namespace wtf::test
