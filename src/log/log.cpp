#include <wtf/core/time.hpp>
#include <wtf/core/utf8.hpp>
#include <wtf/log/log.hpp>

#include <boost/core/null_deleter.hpp>
#include <boost/log/attributes/constant.hpp>
#include <boost/log/attributes/value_extraction.hpp>
#include <boost/log/core/core.hpp>
#include <boost/log/core/record.hpp>
#include <boost/log/sinks/sync_frontend.hpp>
#include <boost/log/sinks/text_ostream_backend.hpp>
#include <boost/log/sources/record_ostream.hpp>
#include <boost/log/utility/formatting_ostream.hpp>
#include <boost/smart_ptr/make_shared_object.hpp>

#include <cstdlib>
#include <iostream>
#include <string>

namespace wtf::log {

namespace {

namespace bl = boost::log;

level threshold_ = level::info;
bool initialised_ = false;

// One record is one journald entry: a raw newline would split it (and the rest would be
// logged at the default priority), so control characters are escaped; so are bytes that are not
// UTF-8 (journald would store the message as a blob), and terminal escapes cannot get through.
void append_escaped(bl::formatting_ostream& out, std::string_view text)
{
    std::string escaped;
    log::append_escaped(escaped, text);
    out << escaped;
}

void format_journal(bl::record_view const& rec, bl::formatting_ostream& out)
{
    auto const sev = bl::extract_or_default<level>("Severity", rec, level::info);
    auto const channel = bl::extract_or_default<std::string>("Channel", rec, std::string{});
    out << '<' << static_cast<int>(sev) << '>' << channel << ": ";
    append_escaped(out, *bl::extract<std::string>("Message", rec));
}

void format_human(bl::record_view const& rec, bl::formatting_ostream& out)
{
    auto const sev = bl::extract_or_default<level>("Severity", rec, level::info);
    auto const channel = bl::extract_or_default<std::string>("Channel", rec, std::string{});
    out << core::format_rfc3339(core::now()) << ' ' << to_string(sev) << ' ' << channel << ": ";
    append_escaped(out, *bl::extract<std::string>("Message", rec));
}

} // namespace

void append_escaped(std::string& out, std::string_view text)
{
    static constexpr char hex[] = "0123456789abcdef";
    for (std::size_t i = 0; i < text.size();) {
        auto const c = core::decode_utf8(text, i);
        if (c.code_point == '\n' || c.code_point == '\r' || c.code_point == '\t') {
            out += c.code_point == '\n' ? "\\n" : c.code_point == '\r' ? "\\r" : "\\t";
            ++i;
        } else if (c.length == 0 || core::unprintable(c.code_point)) {
            // An invalid byte, or each byte of an unprintable character.
            auto const n = c.length == 0 ? std::size_t{1} : c.length;
            for (std::size_t k = 0; k < n; ++k) {
                auto const b = static_cast<unsigned char>(text[i + k]);
                out += "\\x";
                out += hex[b >> 4];
                out += hex[b & 0xF];
            }
            i += n;
        } else {
            out.append(text.substr(i, c.length));
            i += c.length;
        }
    }
}

void init(level l)
{
    char const* stream = std::getenv("JOURNAL_STREAM");
    init(l, stream != nullptr && *stream != '\0');
}

void init(level l, bool journal)
{
    using backend = bl::sinks::text_ostream_backend;
    auto sink_backend = boost::make_shared<backend>();
    sink_backend->add_stream(boost::shared_ptr<std::ostream>(&std::cerr, boost::null_deleter()));
    sink_backend->auto_flush(true);
    auto sink = boost::make_shared<bl::sinks::synchronous_sink<backend>>(sink_backend);
    if (journal) {
        sink->set_formatter(&format_journal);
    } else {
        sink->set_formatter(&format_human);
    }
    auto core = bl::core::get();
    core->remove_all_sinks();
    core->add_sink(sink);
    threshold_ = l;
    initialised_ = true;
}

void set_level(level l) noexcept { threshold_ = l; }

bool enabled(level l) noexcept { return static_cast<int>(l) <= static_cast<int>(threshold_); }

void write(level l, std::string_view channel, std::string_view text)
{
    if (!enabled(l)) return;
    if (!initialised_) init(threshold_);
    bl::attribute_set attrs;
    attrs.insert("Severity", bl::attributes::constant<level>(l));
    attrs.insert("Channel", bl::attributes::constant<std::string>(std::string{channel}));
    auto core = bl::core::get();
    bl::record rec = core->open_record(attrs);
    if (!rec) return;
    {
        bl::record_ostream stream{rec};
        stream << text;
    }
    core->push_record(std::move(rec));
}

record::~record()
{
    if (!on_) return;
    try {
        write(level_, channel_, stream_.view());
    } catch (...) {
        // A log line that cannot be written (out of memory) must not take the daemon down.
    }
}

std::string_view to_string(level l) noexcept
{
    switch (l) {
    case level::error: return "error";
    case level::warning: return "warning";
    case level::notice: return "notice";
    case level::info: return "info";
    case level::debug: return "debug";
    }
    return "info";
}

bool level_from(std::string_view text, level& out) noexcept
{
    for (auto l : {level::error, level::warning, level::notice, level::info, level::debug}) {
        if (to_string(l) == text) {
            out = l;
            return true;
        }
    }
    return false;
}

} // namespace wtf::log
