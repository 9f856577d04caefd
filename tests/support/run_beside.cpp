#include "support/run_beside.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <catch2/catch.hpp>

#include <exception>

namespace wtf::test {

namespace asio = boost::asio;
using steady = std::chrono::steady_clock;

run_result run_beside(asio::io_context& ioc, asio::awaitable<void> service,
                      asio::awaitable<void> body)
{
    asio::cancellation_signal stop;
    bool service_done = false;
    bool body_done = false;
    std::exception_ptr service_error;
    std::exception_ptr body_error;
    run_result result;
    steady::time_point stopped_at{};
    auto on_service = [&](std::exception_ptr e) {
        service_done = true;
        service_error = e;
        result.stop_latency = steady::now() - stopped_at;
    };
    auto on_body = [&](std::exception_ptr e) {
        body_done = true;
        body_error = e;
        result.service_ended_early = service_done;
        stopped_at = steady::now();
        stop.emit(asio::cancellation_type::terminal);
    };
    asio::co_spawn(ioc, std::move(service), asio::bind_cancellation_slot(stop.slot(), on_service));
    asio::co_spawn(ioc, std::move(body), on_body);
    auto const deadline = steady::now() + test_timeout;
    while (!(service_done && body_done) && steady::now() < deadline)
        ioc.run_one_for(std::chrono::milliseconds{50});
    REQUIRE(body_done);
    if (body_error) std::rethrow_exception(body_error);
    REQUIRE(service_done);
    if (service_error) std::rethrow_exception(service_error);
    return result;
}

asio::awaitable<void> pause(std::chrono::milliseconds d)
{
    asio::steady_timer t{co_await asio::this_coro::executor};
    t.expires_after(d);
    co_await t.async_wait(asio::use_awaitable);
}

} // namespace wtf::test
