#include <wtf/core/periodic.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/system/system_error.hpp>

#include <algorithm>

namespace wtf::core {

namespace asio = boost::asio;

periodic::periodic(asio::any_io_executor ex, std::chrono::steady_clock::duration period)
    : timer_{std::move(ex)}, period_{period}, deadline_{std::chrono::steady_clock::now()}
{}

asio::awaitable<bool> periodic::next()
{
    co_await asio::this_coro::throw_if_cancelled(false);
    deadline_ = std::max(deadline_ + period_, std::chrono::steady_clock::now());
    timer_.expires_at(deadline_);
    auto [ec] = co_await timer_.async_wait(use_tuple);
    if (ec == asio::error::operation_aborted) co_return false;
    if (ec) throw boost::system::system_error{ec, "periodic timer"};
    // A cancellation that arrived just as the timer fired is still a cancellation.
    auto const state = co_await asio::this_coro::cancellation_state;
    co_return state.cancelled() == asio::cancellation_type::none;
}

} // namespace wtf::core
