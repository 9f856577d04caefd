// wtf_bench_events: GET /events under load. Opens N Server-Sent Events clients on a running wtfd,
// posts readings at a steady rate (with a share of them opening and ending spikes), and reports
// whether every client got every alarm event and how late: the latency of an event is the time
// it arrived minus the time of the reading that caused it (the anomaly's timestamp for opened,
// its ended_at for ended), both on this machine's clock.
//
//   wtf_bench_events PORT [CLIENTS=100] [READINGS_PER_S=10000] [SECONDS=20] [EPISODES_PER_S=20]
//
// One thread, one io_context: the clients, the sender and the timers share it, as they would
// share a core with wtfd on the 2-core target machine.

#include <wtf/core/periodic.hpp>
#include <wtf/core/time.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

namespace {

struct options {
    unsigned short port = 0;
    int clients = 100;
    int readings_per_second = 10'000;
    int seconds = 20;
    int episodes_per_second = 20;
};

struct results {
    std::vector<std::uint64_t> events; // per client: opened and ended events
    std::vector<double> latency_ms;    // every client's every event
    std::vector<bool> connected;
    std::uint64_t posted = 0; // readings accepted
    std::uint64_t requests_failed = 0;
    bool sending = true;
};

double ms_since(wtf::core::timestamp t)
{
    return std::chrono::duration<double, std::milli>(wtf::core::now() - t).count();
}

// One client: HTTP/1.0, so the body is the event text itself.
asio::awaitable<void> client(options const& o, results& r, std::size_t index)
{
    tcp::socket socket{co_await asio::this_coro::executor};
    co_await socket.async_connect({asio::ip::address_v4::loopback(), o.port}, asio::use_awaitable);
    std::string const request =
        "GET /events?events=opened,ended HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    co_await asio::async_write(socket, asio::buffer(request), asio::use_awaitable);
    std::string text;
    bool head = true;
    char buf[64 * 1024];
    for (;;) {
        auto const [ec, n] =
            co_await socket.async_read_some(asio::buffer(buf), wtf::core::use_tuple);
        if (ec) break;
        text.append(buf, n);
        if (head) {
            auto const end = text.find("\r\n\r\n");
            if (end == std::string::npos) continue;
            text.erase(0, end + 4);
            head = false;
            r.connected[index] = true;
        }
        std::size_t start = 0;
        for (auto end = text.find("\n\n", start); end != std::string::npos;
             end = text.find("\n\n", start)) {
            std::string_view const frame{text.data() + start, end - start};
            start = end + 2;
            auto const data = frame.find("data: ");
            if (data == std::string_view::npos) continue;
            bool const ended = frame.find("event: ended\n") != std::string_view::npos;
            boost::system::error_code jec;
            auto const v = boost::json::parse(frame.substr(data + 6), jec);
            if (jec) continue;
            auto const& a = v.as_object();
            auto const* at = a.if_contains(ended ? "ended_at" : "timestamp");
            if (!at || !at->is_string()) continue;
            auto const t = wtf::core::parse_rfc3339(std::string_view{at->get_string()});
            if (!t) continue;
            ++r.events[index];
            r.latency_ms.push_back(ms_since(*t));
        }
        text.erase(0, start);
    }
}

// Every 10 ms a batch of readings: a steady population of sensors at normal values, and the
// episodes due in this batch as a spike reading followed, in the next batch, by a normal one.
asio::awaitable<void> sender(options const& o, results& r)
{
    auto const ex = co_await asio::this_coro::executor;
    beast::tcp_stream stream{ex};
    co_await stream.async_connect(tcp::endpoint{asio::ip::address_v4::loopback(), o.port},
                                  asio::use_awaitable);
    asio::steady_timer tick{ex};
    auto const per_batch = std::max(1, o.readings_per_second / 100);
    constexpr int sensors = 1000;
    int spikes_due = 0;
    std::vector<int> open; // sensors with a spike open, to end in the next batch
    auto const start = std::chrono::steady_clock::now();
    auto next = start;
    std::uint64_t batch = 0;
    beast::flat_buffer buffer;
    while (std::chrono::steady_clock::now() - start < std::chrono::seconds{o.seconds}) {
        next += 10ms;
        tick.expires_at(next);
        co_await tick.async_wait(wtf::core::use_tuple);
        auto const now = wtf::core::format_rfc3339(wtf::core::now());
        std::string body;
        body.reserve(static_cast<std::size_t>(per_batch) * 80);
        int written = 0;
        auto add = [&](int sensor, double temperature) {
            body += R"({"timestamp": ")" + now + R"(", "sensor_id": "bench-)" +
                    std::to_string(sensor) + R"(", "temperature": )" + std::to_string(temperature) +
                    "}\n";
            ++written;
        };
        for (int s : open) add(s, 22.0);
        open.clear();
        spikes_due += o.episodes_per_second;
        for (; spikes_due >= 100; spikes_due -= 100) {
            int const s = static_cast<int>((batch * 7 + open.size()) % sensors);
            add(s, 45.0);
            open.push_back(s);
        }
        for (int i = written; i < per_batch; ++i) {
            auto const at =
                batch * static_cast<std::uint64_t>(per_batch) + static_cast<std::uint64_t>(i);
            int const s = static_cast<int>(at % sensors);
            if (std::find(open.begin(), open.end(), s) == open.end()) add(s, 21.0 + (i % 10) * 0.1);
        }
        ++batch;
        http::request<http::string_body> req{http::verb::post, "/readings", 11};
        req.set(http::field::host, "127.0.0.1");
        req.set(http::field::content_type, "application/x-ndjson");
        req.body() = std::move(body);
        req.prepare_payload();
        co_await http::async_write(stream, req, asio::use_awaitable);
        http::response<http::string_body> res;
        co_await http::async_read(stream, buffer, res, asio::use_awaitable);
        if (res.result_int() == 200)
            r.posted += static_cast<std::uint64_t>(written);
        else
            ++r.requests_failed;
    }
    r.sending = false;
}

double percentile(std::vector<double>& v, double p)
{
    if (v.empty()) return 0.0;
    auto const k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
    return v[k];
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 2) {
        std::fprintf(stderr,
                     "usage: %s PORT [CLIENTS] [READINGS_PER_S] [SECONDS] "
                     "[EPISODES_PER_S]\n",
                     argv[0]);
        return 2;
    }
    options o;
    o.port = static_cast<unsigned short>(std::atoi(argv[1]));
    if (argc > 2) o.clients = std::atoi(argv[2]);
    if (argc > 3) o.readings_per_second = std::atoi(argv[3]);
    if (argc > 4) o.seconds = std::atoi(argv[4]);
    if (argc > 5) o.episodes_per_second = std::atoi(argv[5]);

    asio::io_context ioc{1};
    results r;
    auto const n = static_cast<std::size_t>(o.clients);
    r.events.assign(n, 0);
    r.connected.assign(n, false);
    auto log_error = [](std::exception_ptr e) {
        if (!e) return;
        try {
            std::rethrow_exception(e);
        } catch (std::exception const& ex) {
            std::fprintf(stderr, "error: %s\n", ex.what());
        }
    };
    for (std::size_t i = 0; i < n; ++i) asio::co_spawn(ioc, client(o, r, i), log_error);
    // The sender starts once every client is connected.
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
            asio::steady_timer wait{co_await asio::this_coro::executor};
            while (std::count(r.connected.begin(), r.connected.end(), true) < o.clients) {
                wait.expires_after(10ms);
                co_await wait.async_wait(asio::use_awaitable);
            }
            co_await sender(o, r);
            wait.expires_after(1s); // the last events drain
            co_await wait.async_wait(asio::use_awaitable);
            ioc.stop();
        },
        log_error);
    ioc.run();

    auto const [least, most] = std::minmax_element(r.events.begin(), r.events.end());
    std::printf("clients %d, readings posted %llu (%.0f/s), failed requests %llu\n", o.clients,
                static_cast<unsigned long long>(r.posted),
                static_cast<double>(r.posted) / o.seconds,
                static_cast<unsigned long long>(r.requests_failed));
    std::printf("alarm events per client: min %llu, max %llu (%s)\n",
                static_cast<unsigned long long>(*least), static_cast<unsigned long long>(*most),
                *least == *most ? "every client got every event" : "CLIENTS DIFFER");
    auto& lat = r.latency_ms;
    std::printf("event latency ms over %zu deliveries: p50 %.1f, p99 %.1f, max %.1f\n", lat.size(),
                percentile(lat, 0.50), percentile(lat, 0.99),
                lat.empty() ? 0.0 : *std::max_element(lat.begin(), lat.end()));
    return *least == *most && *least > 0 ? 0 : 1;
}
