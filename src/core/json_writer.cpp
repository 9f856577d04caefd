#include <wtf/core/json_writer.hpp>
#include <wtf/core/number_text.hpp>
#include <wtf/core/utf8.hpp>

namespace wtf::core {

void append_json_number(std::string& out, double v) { append_number(out, v, number_form::json); }

void append_json_string(std::string& out, std::string_view s)
{
    static constexpr char hex[] = "0123456789abcdef";
    out += '"';
    std::size_t run_start = 0;
    for (std::size_t i = 0; i < s.size();) {
        auto const c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
            ++i;
            continue;
        }
        if (c >= 0x80) {
            if (auto const length = utf8_sequence_length(s.substr(i)); length != 0) {
                i += length;
                continue;
            }
        }
        out.append(s, run_start, i - run_start);
        run_start = ++i;
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c >= 0x80) {
                out += "\\ufffd"; // not UTF-8: a JSON reader would refuse the whole body
                break;
            }
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 0xF];
        }
    }
    out.append(s, run_start, s.size() - run_start);
    out += '"';
}

} // namespace wtf::core
