#include <wtf/mirror/status.hpp>

namespace wtf::mirror {

core::health_record health_of(redis_status const& s)
{
    core::health_record r{.name = "redis"};
    r.add("enabled", s.enabled);
    if (!s.enabled) {
        r.add("connected", false);
        r.add("message", s.message);
        return r;
    }
    r.healthy = s.connected;
    if (!s.connected) r.problem = s.message;
    r.add("connected", s.connected,
          {"wtfd_redis_connected", "gauge", "1 while the Redis mirror is connected."});
    r.add("message", s.message);
    r.add("queued", static_cast<std::uint64_t>(s.queued),
          {"wtfd_redis_queued", "gauge", "Redis writes waiting or in flight."});
    r.add("dropped", s.dropped,
          {"wtfd_redis_dropped_total", "counter",
           "Redis writes dropped because the queue was full."});
    r.add("written", s.written,
          {"wtfd_redis_written_total", "counter", "Redis writes Redis acknowledged."});
    r.add("command_errors", s.command_errors,
          {"wtfd_redis_command_errors_total", "counter",
           "Redis writes Redis refused with an error reply."});
    return r;
}

} // namespace wtf::mirror
