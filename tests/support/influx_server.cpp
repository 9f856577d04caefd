#include "support/influx_server.hpp"
#include "support/server_process.hpp"

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

#include <sys/socket.h>
#include <sys/time.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

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
    : auth_enabled_{auth_enabled}, binary_{find_executable("influxd", "influxdb")}
{
    http_port_ = free_loopback_port();
    rpc_port_ = free_loopback_port();
    while (rpc_port_ == http_port_) rpc_port_ = free_loopback_port();
    start(); // on failure the directory goes with the member
}

influx_server::~influx_server() { stop(); }

std::string influx_server::url() const { return "http://127.0.0.1:" + std::to_string(http_port_); }

void influx_server::start()
{
    // The keys influxd 1.6.7 knows (`influxd config` prints them); unknown ones are ignored.
    auto const config_path = dir_.file("influxd.conf");
    {
        std::ofstream config{config_path};
        config << "reporting-disabled = true\n"
               << "bind-address = \"127.0.0.1:" << rpc_port_ << "\"\n"
               << "[meta]\n"
               << "  dir = \"" << dir_.path() << "/meta\"\n"
               << "  logging-enabled = false\n"
               << "[data]\n"
               << "  dir = \"" << dir_.path() << "/data\"\n"
               << "  wal-dir = \"" << dir_.path() << "/wal\"\n"
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

    pid_ = spawn_process({binary_, "-config", config_path}, dir_.file("influxd.log"));
    wait_until_ready();
}

void influx_server::wait_until_ready()
{
    auto const deadline = std::chrono::steady_clock::now() + start_deadline;
    while (std::chrono::steady_clock::now() < deadline) {
        if (exited(pid_)) {
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

void influx_server::stop() noexcept { stop_process(pid_, stop_deadline); }

std::string influx_server::log() const
{
    std::ifstream in{dir_.file("influxd.log")};
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
