// A sensor's multivariate baseline: GET shows what the detector learned of its normal
// operation, POST .../relearn makes it learn again (after maintenance).

#include "api/detail/handlers.hpp"

#include <wtf/core/json_writer.hpp>

#include <boost/url/pct_string_view.hpp>

#include <optional>
#include <string>

namespace wtf::api::detail {
namespace {

// The {id} of the path, %-decoded; nullopt when the encoding is broken.
std::optional<std::string> sensor_of(context const& ctx)
{
    auto const encoded = boost::urls::make_pct_string_view(ctx.params[0]);
    if (!encoded) return std::nullopt;
    return encoded->decode();
}

} // namespace

response get_baseline(context& ctx)
{
    auto const sensor = sensor_of(ctx);
    if (!sensor) return error_response(400, "the sensor id in the path is not valid %-encoding");
    auto const& detector = ctx.svc.pipeline.detector();
    auto const status = detector.baseline_of(*sensor);
    if (!status) return error_response(404, "no such sensor: " + *sensor);

    std::string out;
    core::json_writer w{out};
    w.begin_object();
    w.member("sensor_id", *sensor);
    w.member("state", status->state);
    w.member("warmup", static_cast<std::uint64_t>(status->warmup));
    w.member("warmup_readings", static_cast<std::uint64_t>(status->warmup_readings));
    if (status->state == "learned") {
        w.member("statistic", status->statistic);
        w.member("threshold", status->threshold);
        w.member("in_episode", status->in_episode);
    }
    if (status->baseline) {
        w.key("baseline");
        w.begin_object();
        detect::append_members(w, *status->baseline);
        w.end_object();
    }
    w.end_object();
    return json_response(share(std::move(out)));
}

response post_relearn(context& ctx)
{
    auto const sensor = sensor_of(ctx);
    if (!sensor) return error_response(400, "the sensor id in the path is not valid %-encoding");
    if (!ctx.svc.pipeline.relearn(*sensor))
        return error_response(404, "no such sensor: " + *sensor);
    std::string out;
    core::json_writer w{out};
    w.begin_object();
    w.member("sensor_id", *sensor);
    w.member("state", "learning");
    w.end_object();
    return json_response(share(std::move(out)));
}

} // namespace wtf::api::detail
