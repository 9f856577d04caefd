#pragma once
// Appends JSON text to a string. Boost.JSON prints 45.2 as 4.52E1, which breaks the seed's
// contract and human readers, so every response is written with this instead.

#include <wtf/core/time.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace wtf::core {

// core::append_number's json form: shortest text that round-trips, with ".0" kept on integral
// values (45.2, 16.0, 1e+300). Non-finite values print as null: JSON has no NaN.
void append_json_number(std::string& out, double v);
// Quoted and escaped: control characters as \u00XX, valid UTF-8 as it is, each byte that is
// not part of valid UTF-8 as \ufffd, so the document is valid UTF-8 whatever `s` holds.
void append_json_string(std::string& out, std::string_view s);

// Writes objects and arrays with commas placed for you:
//   json_writer w{out}; w.begin_object(); w.key("count"); w.value(3); w.end_object();
class json_writer {
public:
    explicit json_writer(std::string& out) noexcept : out_{out} {}

    void begin_object()
    {
        separate();
        out_ += '{';
        first_ = true;
    }
    void end_object()
    {
        out_ += '}';
        first_ = false;
    }
    void begin_array()
    {
        separate();
        out_ += '[';
        first_ = true;
    }
    void end_array()
    {
        out_ += ']';
        first_ = false;
    }
    void key(std::string_view k)
    {
        separate();
        append_json_string(out_, k);
        out_ += ':';
        after_key_ = true;
    }

    void value(double v)
    {
        separate();
        append_json_number(out_, v);
    }
    void value(std::int64_t v)
    {
        separate();
        out_ += std::to_string(v);
    }
    void value(std::uint64_t v)
    {
        separate();
        out_ += std::to_string(v);
    }
    void value(int v) { value(static_cast<std::int64_t>(v)); }
    void value(bool v)
    {
        separate();
        out_ += v ? "true" : "false";
    }
    void value(std::string_view v)
    {
        separate();
        append_json_string(out_, v);
    }
    void value(char const* v) { value(std::string_view{v}); }
    void value(timestamp t)
    {
        separate();
        out_ += '"';
        append_rfc3339(out_, t);
        out_ += '"';
    }
    void null()
    {
        separate();
        out_ += "null";
    }
    // Inserts already-serialised JSON (a cached anomaly, for instance).
    void raw(std::string_view json)
    {
        separate();
        out_ += json;
    }

    template <class T>
    void member(std::string_view k, T const& v)
    {
        key(k);
        value(v);
    }

private:
    void separate()
    {
        if (after_key_) {
            after_key_ = false;
            return;
        }
        if (!first_) out_ += ',';
        first_ = false;
    }

    std::string& out_;
    bool first_ = true;
    bool after_key_ = false;
};

} // namespace wtf::core
