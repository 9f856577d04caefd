#include <wtf/core/deadline.hpp>

#include <wtf/core/periodic.hpp>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include <memory>

namespace wtf::core {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

asio::awaitable<std::pair<boost::system::error_code, tcp::resolver::results_type>>
resolve_before(std::string const& host, std::string const& port,
               std::chrono::steady_clock::time_point deadline)
{
    auto const ex = co_await asio::this_coro::executor;
    // A timer cancels the resolver. Its handler holds a weak_ptr because it may run after this
    // frame is gone.
    auto resolver = std::make_shared<tcp::resolver>(ex);
    asio::steady_timer guard{ex};
    guard.expires_at(deadline);
    guard.async_wait(
        [weak = std::weak_ptr<tcp::resolver>{resolver}](boost::system::error_code const& ec) {
            if (ec) return;
            if (auto r = weak.lock()) r->cancel();
        });
    auto [ec, endpoints] = co_await resolver->async_resolve(host, port, use_tuple);
    guard.cancel();
    co_return std::pair{ec, std::move(endpoints)};
}

std::string ms_text(std::chrono::nanoseconds d)
{
    return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()) + " ms";
}

} // namespace wtf::core
