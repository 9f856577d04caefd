#include <wtf/sources/redis_ingest.hpp>

#include <wtf/core/periodic.hpp>
#include <wtf/log/log.hpp>
#include <wtf/redis/resp.hpp>
#include <wtf/redis/resp_connection.hpp>
#include <wtf/redis/retry.hpp>
#include <wtf/sources/parse.hpp>

#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include <algorithm>
#include <chrono>
#include <string>
#include <utility>
#include <variant>

namespace wtf::sources {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
using core::use_tuple;

namespace {

// A subscribed connection PINGs every idle_period; without any reply for idle_period +
// reply_timeout the connection is taken for lost.
using redis::cancelled;
using redis::idle_period;
using redis::reply_timeout;

redis::outcome aborted() { return {asio::error::operation_aborted, "cancelled"}; }

} // namespace

struct redis_ingest::impl {
    impl(asio::any_io_executor e, redis::settings const& s, sources::sink& p)
        : ex{std::move(e)}, configured{s}, cfg{s}, sink{p}
    {
        status.enabled = cfg.enabled && cfg.ingest;
        status.channel = cfg.ingest_channel;
        if (status.enabled) cfg.password = redis::load_password(s);
    }

    asio::awaitable<void> run();
    asio::awaitable<redis::outcome> subscribe(redis::resp_connection& c);
    asio::awaitable<redis::outcome> session(redis::resp_connection& c);
    asio::awaitable<redis::outcome> listen(redis::resp_connection& c);
    asio::awaitable<redis::outcome> keep_alive(redis::resp_connection& c);
    void on_message(std::string_view payload);
    void reject(std::string_view reason);
    void on_failure(std::string const& reason, std::chrono::milliseconds retry_in);

    asio::any_io_executor ex;
    redis::settings const configured; // as given, to compare at a reload
    redis::settings cfg;
    sources::sink& sink;
    sources::parse_limits limits;
    sources::batch batch; // reused: steady-state ingest does not allocate per reading
    ingest_status status;
    std::uint64_t version = 0;
    std::string last_error; // logged once until it changes or the subscription comes back
    redis::log_throttle reject_log;
};

void redis_ingest::impl::on_message(std::string_view payload)
{
    ++status.messages;
    ++version;
    auto const now = core::now();
    if (auto problem =
            sources::parse_readings(payload, false, now, sink.parse_rules(limits), batch)) {
        sink.count_rejected_batch(problem->code);
        reject(problem->detail);
        return;
    }
    auto const result = sink.ingest(batch, core::source::redis, now);
    if (auto const* problem = std::get_if<sources::problem>(&result)) reject(problem->detail);
}

void redis_ingest::impl::reject(std::string_view reason)
{
    ++status.rejected;
    ++version;
    if (reject_log.allow())
        log::warning("mirror") << "Redis message is not a valid reading channel="
                               << cfg.ingest_channel << " reason=" << reason
                               << " suppressed=" << reject_log.suppressed();
}

void redis_ingest::impl::on_failure(std::string const& reason, std::chrono::milliseconds retry_in)
{
    if (status.subscribed) {
        status.subscribed = false;
        ++version;
    } else if (reason == last_error) {
        return;
    }
    last_error = reason;
    log::error("mirror") << "Redis ingest unavailable reason=" << reason
                         << " channel=" << cfg.ingest_channel << " retry_in=" << retry_in.count()
                         << "ms";
}

asio::awaitable<redis::outcome> redis_ingest::impl::subscribe(redis::resp_connection& c)
{
    auto const command = redis::command({"SUBSCRIBE", cfg.ingest_channel});
    redis::reply answer;
    auto r = co_await c.call(command, answer, reply_timeout);
    if (r.failed()) co_return r;
    if (answer.is_error()) {
        c.close();
        co_return redis::outcome{redis::resp_errc::error_reply, answer.text};
    }
    co_return redis::outcome{};
}

asio::awaitable<redis::outcome> redis_ingest::impl::listen(redis::resp_connection& c)
{
    co_await asio::this_coro::throw_if_cancelled(false);
    redis::reply message;
    for (;;) {
        auto r = co_await c.read(message, idle_period + reply_timeout);
        if (r.failed()) co_return r;
        if (message.is_error()) {
            c.close();
            co_return redis::outcome{redis::resp_errc::error_reply, message.text};
        }
        // ["message", channel, payload]; the PING answers ["pong", ""] only show it is alive.
        auto const& e = message.elements;
        if (message.type == redis::reply_type::array && e.size() == 3 && e[0].text == "message")
            on_message(e[2].text);
    }
}

asio::awaitable<redis::outcome> redis_ingest::impl::keep_alive(redis::resp_connection& c)
{
    co_await asio::this_coro::throw_if_cancelled(false);
    auto const ping = redis::command({"PING"});
    asio::steady_timer pause{ex};
    for (;;) {
        pause.expires_after(idle_period);
        [[maybe_unused]] auto [ec] = co_await pause.async_wait(use_tuple);
        if (co_await cancelled()) co_return aborted();
        auto r = co_await c.write(ping, reply_timeout);
        if (r.failed()) co_return r;
    }
}

asio::awaitable<redis::outcome> redis_ingest::impl::session(redis::resp_connection& c)
{
    auto const subscribed = co_await subscribe(c);
    if (subscribed.failed() || co_await cancelled()) co_return subscribed;
    status.subscribed = true;
    ++version;
    last_error.clear();
    log::notice("mirror") << "subscribed to Redis channel=" << cfg.ingest_channel
                          << " host=" << cfg.host << " port=" << cfg.port;
    // Reading and pinging run side by side; the first to fail (or the cancellation) ends both.
    // Each returns its failure as a value, so `||` cannot lose it.
    auto reading = listen(c);
    auto pinging = keep_alive(c);
    auto both = std::move(reading) || std::move(pinging);
    auto ended = co_await std::move(both);
    if (ended.index() == 0) co_return std::get<0>(std::move(ended));
    co_return std::get<1>(std::move(ended));
}

asio::awaitable<void> redis_ingest::impl::run()
{
    co_await asio::this_coro::throw_if_cancelled(false);
    if (!status.enabled) co_return;
    co_await redis::keep_connected(
        ex, cfg,
        {[this](redis::resp_connection& c) { return session(c); },
         [this] { return status.subscribed; },
         [this](std::string const& reason, std::chrono::milliseconds retry_in) {
             on_failure(reason, retry_in);
         }});
    if (status.subscribed) {
        status.subscribed = false;
        ++version;
    }
}

redis_ingest::redis_ingest(asio::any_io_executor ex, redis::settings const& s, sources::sink& sink)
    : impl_{std::make_unique<impl>(std::move(ex), s, sink)}
{}

redis_ingest::~redis_ingest() = default;

core::reload_effect redis_ingest::apply(redis::settings const& s) const noexcept
{
    return s == impl_->configured ? core::reload_effect::unchanged
                                  : core::reload_effect::needs_restart;
}

asio::awaitable<void> redis_ingest::run() { return impl_->run(); }

ingest_status const& redis_ingest::status() const noexcept { return impl_->status; }

std::uint64_t redis_ingest::version() const noexcept { return impl_->version; }

core::health_record health_of(ingest_status const& s)
{
    core::health_record r{.name = "ingest", .parent = "redis"};
    r.add("enabled", s.enabled);
    if (!s.enabled) return r;
    r.healthy = s.subscribed;
    if (!s.subscribed) r.problem = "Redis ingest not subscribed to " + s.channel;
    r.add("subscribed", s.subscribed,
          {"wtfd_redis_ingest_subscribed", "gauge",
           "1 while the Redis ingest is subscribed to its channel."});
    r.add("channel", s.channel);
    r.add("messages", s.messages,
          {"wtfd_redis_ingest_messages_total", "counter",
           "Messages received on the Redis ingest channel."});
    r.add("rejected", s.rejected,
          {"wtfd_redis_ingest_rejected_total", "counter",
           "Redis ingest messages that were not valid readings."});
    return r;
}

} // namespace wtf::sources
