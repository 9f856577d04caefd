#pragma once
// The HTTP/1.1 server (Boost.Beast) on the daemon's io_context: keep-alive, limits on header size,
// body size, idle time and connection count, so a slow or hostile client cannot tie it up.

#include <wtf/api/router.hpp>
#include <wtf/api/settings.hpp>
#include <wtf/core/reload.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <memory>
#include <vector>

namespace wtf::api {

class server {
public:
    // `extra_routes` follow the built-in ones (tests add their own).
    server(boost::asio::any_io_executor ex, settings const& s, services svc,
           std::vector<route> extra_routes = {});
    ~server();

    // Binds and listens on settings.listen_host:listen_port (port 0 picks a free one).
    // Throws boost::system::system_error naming the address when it is unavailable.
    void listen();
    std::uint16_t port() const noexcept;

    // Accepts connections until stop() or terminal cancellation; each connection runs as its
    // own task. Then gives requests in flight 1.5 s to finish, cuts what is left and returns.
    boost::asio::awaitable<void> run();

    // Closes the listener and idle connections and ends streamed responses; requests in flight
    // finish and their connections then close. Idempotent.
    void stop();
    std::size_t open_connections() const noexcept;
    // Closes every remaining connection now, mid-request or not (the end of a shutdown's grace
    // period). The sessions then end on their own within one turn of the loop.
    void abort();

    // Tokens, limits and timeouts apply at once; a new listen address needs a restart.
    core::reload_effect apply(settings const& s);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace wtf::api
