#include "app/detail/baseline_file.hpp"

#include <wtf/core/json_writer.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

namespace wtf::app::detail {

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

constexpr char const* file_name = "baselines.json";

} // namespace

std::string save_baselines(detect::detector const& d, std::string const& state_dir)
{
    std::string text;
    core::json_writer w{text};
    w.begin_object();
    w.member("format", 1);
    w.key("sensors");
    w.begin_object();
    d.for_each_baseline([&](std::string_view id, detect::sensor_baseline const& b) {
        w.key(id);
        w.begin_object();
        detect::append_members(w, b);
        w.end_object();
    });
    w.end_object();
    w.end_object();
    text += '\n';

    auto const path = fs::path{state_dir} / file_name;
    auto const temporary = fs::path{state_dir} / (std::string{file_name} + ".new");
    {
        std::ofstream out{temporary, std::ios::binary | std::ios::trunc};
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
        out.flush();
        if (!out) return "cannot write " + temporary.string();
    }
    std::error_code ec;
    fs::rename(temporary, path, ec);
    if (ec) return "cannot rename " + temporary.string() + ": " + ec.message();
    return {};
}

std::vector<std::string> load_baselines(detect::detector& d, std::string const& state_dir,
                                        detect::event_sink& out)
{
    auto const path = fs::path{state_dir} / file_name;
    std::ifstream in{path, std::ios::binary};
    if (!in) return {};
    std::ostringstream buffer;
    buffer << in.rdbuf();
    boost::system::error_code ec;
    auto const parsed = json::parse(buffer.str(), ec);
    auto const* root = !ec && parsed.is_object() ? &parsed.get_object() : nullptr;
    auto const* sensors = root ? root->if_contains("sensors") : nullptr;
    if (!sensors || !sensors->is_object())
        return {path.string() + ": not a baselines file, ignored (every sensor learns again)"};
    std::vector<std::string> problems;
    for (auto const& [id, value] : sensors->get_object()) {
        std::string error;
        auto b = detect::baseline_from_json(json::serialize(value), error);
        if (!b) {
            problems.push_back(path.string() + ": sensor " + std::string{id} + ": " + error +
                               ", ignored (the sensor learns again)");
            continue;
        }
        if (auto problem = d.load_baseline(id, std::move(*b), out))
            problems.push_back(path.string() + ": sensor " + std::string{id} + ": " + *problem);
    }
    return problems;
}

} // namespace wtf::app::detail
