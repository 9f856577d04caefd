#include <wtf/core/json_writer.hpp>

#include <charconv>
#include <cmath>

namespace wtf::core {

void append_json_number(std::string& out, double v)
{
    if (!std::isfinite(v)) {
        out += "null";
        return;
    }
    char buf[32];
    auto const [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    std::string_view const text{buf, static_cast<std::size_t>(end - buf)};
    out += text;
    // Python and people write 16.0, not 16: keep the reading's type visible.
    if (text.find_first_of(".e") == std::string_view::npos) out += ".0";
}

void append_json_string(std::string& out, std::string_view s)
{
    static constexpr char hex[] = "0123456789abcdef";
    out += '"';
    std::size_t run_start = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto const c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        out.append(s, run_start, i - run_start);
        run_start = i + 1;
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 0xF];
        }
    }
    out.append(s, run_start, s.size() - run_start);
    out += '"';
}

} // namespace wtf::core
