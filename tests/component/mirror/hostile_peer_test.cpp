// The Redis connection against a peer that is not Redis but plays a malicious one: it answers
// every command with a reply header announcing 2147483647 elements (issue 11). A real
// redis-server cannot be made to send that, so the peer is a few lines of Asio on loopback.
#include <wtf/mirror/redis_mirror.hpp>

#include <wtf/redis/resp.hpp>
#include <wtf/redis/resp_connection.hpp>
#include "support/run_beside.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <chrono>
#include <string>

// GCC 12 at -O2 pairs Asio's awaitable frame operator delete with the aligned_alloc under its
// operator new in lambdas like these: GCC PR 109224 (as in redis_mirror_test.cpp).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

using namespace wtf;
namespace asio = boost::asio;
namespace detail = wtf::redis;
using namespace std::chrono_literals;
using asio::ip::tcp;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::string_view hostile_header = "*2147483647\r\n";

// Accepts connections one after the other and answers each read with `answer`.
class hostile_peer {
public:
    hostile_peer(asio::io_context& ioc, std::string answer)
        : acceptor_{ioc, {asio::ip::make_address("127.0.0.1"), 0}}, answer_{std::move(answer)}
    {
        asio::co_spawn(ioc, serve(), asio::detached);
    }

    std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
    int connections() const noexcept { return connections_; }

private:
    asio::awaitable<void> serve()
    {
        for (;;) {
            auto [ec, socket] = co_await acceptor_.async_accept(use_tuple);
            if (ec) co_return;
            ++connections_;
            std::array<char, 512> buffer{};
            for (;;) {
                auto [rec, n] = co_await socket.async_read_some(asio::buffer(buffer), use_tuple);
                if (rec) break;
                auto [wec, m] =
                    co_await asio::async_write(socket, asio::buffer(answer_), use_tuple);
                if (wec) break;
            }
        }
    }

    tcp::acceptor acceptor_;
    std::string answer_;
    int connections_ = 0;
};

redis::settings settings_for(hostile_peer const& peer)
{
    redis::settings s;
    s.enabled = true;
    s.host = "127.0.0.1";
    s.port = peer.port();
    s.connect_timeout = 1000ms;
    s.max_backoff = 50ms; // make the test run faster
    return s;
}

} // namespace

TEST_CASE("a reply announcing 2147483647 elements drops the connection with a clear reason",
          "[component][mirror]")
{
    asio::io_context ioc;
    hostile_peer peer{ioc, std::string{hostile_header}};
    auto const settings = settings_for(peer);
    detail::outcome result;
    auto body = [&]() -> asio::awaitable<void> {
        detail::resp_connection c{co_await asio::this_coro::executor};
        result = co_await c.connect(settings); // its PING is answered with the header
    };
    auto idle = []() -> asio::awaitable<void> { co_return; };
    test::run_beside(ioc, idle(), body());
    CHECK(result.ec == detail::resp_errc::reply_too_large);
    CHECK(result.message == "reply from 127.0.0.1:" + std::to_string(peer.port()) +
                                " refused: a reply of 2147483647 elements, more than 1024");
}

TEST_CASE("the mirror reports a hostile reply in its status and keeps retrying",
          "[component][mirror]")
{
    asio::io_context ioc;
    hostile_peer peer{ioc, std::string{hostile_header}};
    mirror::redis_mirror m{ioc.get_executor(), settings_for(peer), {}};
    auto body = [&]() -> asio::awaitable<void> {
        while (peer.connections() < 3) co_await test::pause(10ms);
    };
    auto const r = test::run_beside(ioc, m.run(), body());
    CHECK_FALSE(r.service_ended_early);
    CHECK_FALSE(m.status().connected);
    CHECK(m.status().message == "Redis error: reply from 127.0.0.1:" + std::to_string(peer.port()) +
                                    " refused: a reply of 2147483647 elements, more than 1024");
}
