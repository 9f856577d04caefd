// A sensor's baseline through the detector: learned, shown, saved as JSON and read back
// exactly, loaded into another detector (no new warm-up), forgotten on request.

#include <wtf/core/json_writer.hpp>
#include <wtf/detect/baseline.hpp>
#include <wtf/detect/detector.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

using namespace wtf;

namespace {

core::timestamp const t0 = core::timestamp{} + std::chrono::hours{24 * 20000};

struct recorder final : detect::event_sink {
    std::vector<detect::baseline_event> baselines;
    std::vector<std::string> reasons;
    std::size_t anomalies = 0;
    void on_anomaly(core::anomaly_change, core::anomaly const&) override { ++anomalies; }
    void on_baseline(std::string_view, detect::baseline_note const& n) override
    {
        baselines.push_back(n.event);
        reasons.emplace_back(n.reason);
    }
};

detect::settings short_warmup()
{
    detect::settings s;
    s.dropout_gap = std::chrono::hours{1};
    s.multivariate.warmup = 40;
    s.multivariate.refine_after = 0;
    return s;
}

// Flow and pressure moving together, one reading a second from `from`.
void feed(detect::detector& d, recorder& out, int from, int count)
{
    for (int i = from; i < from + count; ++i) {
        double const s = std::sin(i * 0.7) + 0.3 * std::sin(i * 2.3);
        core::measurement const m[]{{"flow", 60.0 - 5.0 * s + 0.2 * std::sin(i * 5.1)},
                                    {"pressure", 2.0 + 0.1 * s + 0.01 * std::sin(i * 3.7)}};
        d.observe(core::reading{"wtf-pipe-1", t0 + std::chrono::seconds{i}, m}, out);
    }
}

std::string json_of(detect::sensor_baseline const& b)
{
    std::string text;
    core::json_writer w{text};
    w.begin_object();
    detect::append_members(w, b);
    w.end_object();
    return text;
}

} // namespace

TEST_CASE("A sensor's baseline is learned at the end of its warm-up and shown", "[unit]")
{
    detect::detector d{short_warmup(), t0};
    recorder out;
    feed(d, out, 0, 39);
    auto status = d.baseline_of("wtf-pipe-1");
    REQUIRE(status);
    CHECK(status->state == "learning");
    CHECK(status->warmup_readings == 39);
    CHECK_FALSE(status->baseline);
    feed(d, out, 39, 1);
    status = d.baseline_of("wtf-pipe-1");
    CHECK(status->state == "learned");
    REQUIRE(status->baseline);
    CHECK(status->baseline->parameters == std::vector<std::string>{"flow", "pressure"});
    CHECK(status->baseline->model.components >= 1);
    REQUIRE(out.baselines.size() == 1);
    CHECK(out.baselines[0] == detect::baseline_event::learned);
    CHECK_FALSE(d.baseline_of("nobody"));
}

TEST_CASE("A baseline written as JSON reads back exactly; malformed ones are refused naming the "
          "field",
          "[unit]")
{
    detect::detector d{short_warmup(), t0};
    recorder out;
    feed(d, out, 0, 40);
    auto const b = d.baseline_of("wtf-pipe-1")->baseline;
    REQUIRE(b);
    std::string error;
    auto const back = detect::baseline_from_json(json_of(*b), error);
    INFO(error);
    REQUIRE(back);
    // Written in the shortest exact form; Boost.JSON 1.81 reads a number back to within a unit
    // in the last place.
    CHECK(back->parameters == b->parameters);
    CHECK(back->model.components == b->model.components);
    CHECK(back->model.t2_limit == Approx(b->model.t2_limit).epsilon(1e-15));
    for (std::size_t i = 0; i < b->parameters.size(); ++i)
        CHECK(back->model.centre[i] == Approx(b->model.centre[i]).epsilon(1e-15));
    CHECK(back->learned_at == b->learned_at);
    auto text = json_of(*b);
    auto const at = text.find("\"t2_limit\":");
    text.replace(at, std::string{"\"t2_limit\":"}.size(), "\"t2_limit\":-");
    CHECK_FALSE(detect::baseline_from_json(text, error));
    CHECK(error.find("t2_limit") != std::string::npos);
    CHECK_FALSE(detect::baseline_from_json(R"({"parameters": []})", error));
    CHECK(error.find("parameters") != std::string::npos);
    CHECK_FALSE(detect::baseline_from_json("not json", error));
}

TEST_CASE("A loaded baseline waits for its sensor and spares it the warm-up; relearning "
          "forgets it",
          "[unit]")
{
    detect::detector learned{short_warmup(), t0};
    recorder out;
    feed(learned, out, 0, 40);
    auto const b = learned.baseline_of("wtf-pipe-1")->baseline;
    REQUIRE(b);

    detect::detector restarted{short_warmup(), t0};
    recorder out2;
    CHECK_FALSE(restarted.load_baseline("wtf-pipe-1", *b, out2));
    CHECK(restarted.baseline_of("wtf-pipe-1")->state == "waiting");
    std::size_t saved = 0;
    restarted.for_each_baseline([&](std::string_view, detect::sensor_baseline const&) { ++saved; });
    CHECK(saved == 1);
    feed(restarted, out2, 100, 1);
    auto const status = restarted.baseline_of("wtf-pipe-1");
    CHECK(status->state == "learned");
    REQUIRE(status->baseline);
    CHECK(status->baseline->model == b->model);

    auto const version = restarted.baselines_version();
    CHECK(restarted.relearn("wtf-pipe-1", out2));
    CHECK(restarted.baselines_version() > version);
    CHECK(restarted.baseline_of("wtf-pipe-1")->state == "learning");
    REQUIRE_FALSE(out2.reasons.empty());
    CHECK(out2.reasons.back() == "asked");
    CHECK_FALSE(restarted.relearn("nobody", out2));
}

TEST_CASE("The model takes each value by its parameter's name, in any order; a missing one keeps "
          "its last value",
          "[unit]")
{
    auto const s = short_warmup();
    detect::detector fixed{s, t0}, shuffled{s, t0};
    recorder fixed_out, shuffled_out;
    double last_pressure = 0.0;
    for (int i = 0; i < 120; ++i) {
        double const x = std::sin(i * 0.7) + 0.3 * std::sin(i * 2.3);
        double const flow = 60.0 - 5.0 * x + 0.2 * std::sin(i * 5.1);
        double const pressure = 2.0 + 0.1 * x + 0.01 * std::sin(i * 3.7);
        bool const without_pressure = i > 50 && i % 7 == 0;
        if (!without_pressure) last_pressure = pressure;
        auto const t = t0 + std::chrono::seconds{i};
        core::measurement const in_order[]{{"flow", flow}, {"pressure", last_pressure}};
        core::measurement const reversed[]{{"pressure", pressure}, {"flow", flow}};
        core::measurement const flow_only[]{{"flow", flow}};
        fixed.observe(core::reading{"wtf-pipe-1", t, in_order}, fixed_out);
        if (without_pressure)
            shuffled.observe(core::reading{"wtf-pipe-1", t, flow_only}, shuffled_out);
        else if (i % 3 == 1)
            shuffled.observe(core::reading{"wtf-pipe-1", t, reversed}, shuffled_out);
        else
            shuffled.observe(core::reading{"wtf-pipe-1", t, in_order}, shuffled_out);
    }
    auto const a = fixed.baseline_of("wtf-pipe-1");
    auto const b = shuffled.baseline_of("wtf-pipe-1");
    REQUIRE(a);
    REQUIRE(b);
    REQUIRE(a->state == "learned");
    REQUIRE(b->state == "learned");
    CHECK(json_of(*b->baseline) == json_of(*a->baseline));
    CHECK(b->statistic == a->statistic);
    CHECK(shuffled_out.baselines == fixed_out.baselines); // no relearning on the way
}

TEST_CASE("A reading that names a parameter twice still teaches the model each parameter once",
          "[unit]")
{
    // The sources give each parameter once; the detector does not count on it.
    detect::detector d{short_warmup(), t0};
    recorder out;
    for (int i = 0; i < 60; ++i) {
        double const x = std::sin(i * 0.7) + 0.3 * std::sin(i * 2.3);
        core::measurement const m[]{{"flow", 60.0 - 5.0 * x},
                                    {"pressure", 2.0 + 0.1 * x + 0.01 * std::sin(i * 3.7)},
                                    {"flow", 60.0 - 5.0 * x}};
        d.observe(core::reading{"wtf-pipe-1", t0 + std::chrono::seconds{i}, m}, out);
    }
    auto const status = d.baseline_of("wtf-pipe-1");
    REQUIRE(status);
    CHECK(status->state == "learned");
    REQUIRE(status->baseline);
    CHECK(status->baseline->parameters == std::vector<std::string>{"flow", "pressure"});
}

TEST_CASE("Parameters beyond max_parameters stay out of the model", "[unit]")
{
    auto s = short_warmup();
    s.max_parameters = 2;
    detect::detector d{s, t0};
    recorder out;
    for (int i = 0; i < 60; ++i) {
        double const x = std::sin(i * 0.7) + 0.3 * std::sin(i * 2.3);
        core::measurement const m[]{{"flow", 60.0 - 5.0 * x},
                                    {"pressure", 2.0 + 0.1 * x + 0.01 * std::sin(i * 3.7)},
                                    {"level-" + std::to_string(i % 3), 1.0 + x}};
        d.observe(core::reading{"wtf-pipe-1", t0 + std::chrono::seconds{i}, m}, out);
        // A reading of untracked parameters only is nothing to the model.
        core::measurement const other[]{{"level-0", 3.0}};
        d.observe(core::reading{"wtf-pipe-1",
                                t0 + std::chrono::seconds{i} + std::chrono::milliseconds{500},
                                other},
                  out);
    }
    auto const status = d.baseline_of("wtf-pipe-1");
    REQUIRE(status);
    CHECK(status->state == "learned");
    REQUIRE(status->baseline);
    CHECK(status->baseline->parameters == std::vector<std::string>{"flow", "pressure"});
    // Learned from the 40 readings with values of its own, not from the ones between them.
    CHECK(status->baseline->learned_at == t0 + std::chrono::seconds{39});
    CHECK(out.reasons == std::vector<std::string>{""}); // learned once, never relearnt
    CHECK(d.values_untracked() == 120);
}

TEST_CASE("A changed model setting on reload makes the sensor learn again, saying why", "[unit]")
{
    auto s = short_warmup();
    detect::detector d{s, t0};
    recorder out;
    feed(d, out, 0, 40);
    s.multivariate.alarm = 3.0; // judged differently, same model
    d.apply(s);
    feed(d, out, 40, 1);
    CHECK(d.baseline_of("wtf-pipe-1")->state == "learned");
    s.multivariate.lambda = 0.2; // another model
    d.apply(s);
    feed(d, out, 41, 1);
    CHECK(d.baseline_of("wtf-pipe-1")->state == "learning");
    REQUIRE_FALSE(out.reasons.empty());
    CHECK(out.reasons.back() == "settings changed");
}
