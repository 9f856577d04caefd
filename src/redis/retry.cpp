#include <wtf/redis/retry.hpp>

#include <wtf/core/periodic.hpp>

#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

namespace wtf::redis {

namespace asio = boost::asio;

asio::awaitable<bool> cancelled()
{
    auto const state = co_await asio::this_coro::cancellation_state;
    co_return state.cancelled() != asio::cancellation_type::none;
}

asio::awaitable<bool> backoff::wait()
{
    asio::steady_timer pause{co_await asio::this_coro::executor};
    pause.expires_after(next_);
    [[maybe_unused]] auto [ec] = co_await pause.async_wait(core::use_tuple);
    if (co_await cancelled()) co_return false;
    next_ = std::min(next_ * 2, max_);
    co_return true;
}

} // namespace wtf::redis
