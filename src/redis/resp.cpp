#include <wtf/redis/resp.hpp>

#include <wtf/core/utf8.hpp>

#include <hiredis/hiredis.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <new>

namespace wtf::redis {

namespace {

// Commands have six arguments at most (EVAL); longer ones take the heap.
constexpr std::size_t inline_args = 8;
constexpr std::size_t max_error_text = 200;

struct command_deleter {
    void operator()(char* p) const noexcept { redisFreeCommand(p); }
};

struct reply_deleter {
    void operator()(redisReply* p) const noexcept { freeReplyObject(p); }
};

void append_encoded(std::string& out, std::size_t argc, char const** argv, std::size_t const* lens)
{
    char* raw = nullptr;
    int const n = redisFormatCommandArgv(&raw, static_cast<int>(argc), argv, lens);
    std::unique_ptr<char, command_deleter> const encoded{raw};
    if (n < 0 || !encoded) throw std::bad_alloc{};
    out.append(encoded.get(), static_cast<std::size_t>(n));
}

// Overwrites `out` in place: a reply object reused for every message keeps its strings' and
// elements' capacity, so a steady stream of messages is copied without allocating.
void copy_reply(redisReply const& in, reply& out)
{
    out.text.clear();
    out.integer = 0;
    if (in.type != REDIS_REPLY_ARRAY) out.elements.clear();
    switch (in.type) {
    case REDIS_REPLY_STRING: out.type = reply_type::string; break;
    case REDIS_REPLY_STATUS: out.type = reply_type::status; break;
    case REDIS_REPLY_ERROR: out.type = reply_type::error; break;
    case REDIS_REPLY_INTEGER:
        out.type = reply_type::integer;
        out.integer = in.integer;
        return;
    case REDIS_REPLY_ARRAY:
        out.type = reply_type::array;
        out.elements.resize(in.elements);
        for (std::size_t i = 0; i < in.elements; ++i) {
            if (in.element[i] != nullptr) {
                copy_reply(*in.element[i], out.elements[i]);
            } else {
                out.elements[i] = reply{};
            }
        }
        return;
    default: out.type = reply_type::nil; return;
    }
    if (in.str == nullptr) return;
    std::string_view const text{in.str, in.len};
    // An error's text is for people (logs, /status): bounded, one line, valid UTF-8.
    if (out.type == reply_type::error)
        out.text = core::excerpt(text, max_error_text);
    else
        out.text.assign(text);
}

// boost::system::error_category's destructor is protected and non-virtual by design: categories
// are never deleted through a base pointer. GCC warns regardless (as in core/error.cpp).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class resp_category_impl final : public boost::system::error_category {
public:
    char const* name() const noexcept override { return "wtf.resp"; }
    std::string message(int ev) const override
    {
        switch (static_cast<resp_errc>(ev)) {
        case resp_errc::protocol_error: return "Redis protocol error";
        case resp_errc::error_reply: return "Redis answered with an error";
        case resp_errc::resolve_timeout: return "host name resolution timed out";
        case resp_errc::reply_too_large: return "Redis reply too large";
        }
        return "unknown RESP error";
    }
};
#pragma GCC diagnostic pop

} // namespace

void append_command(std::string& out, std::span<std::string_view const> args)
{
    if (args.size() <= inline_args) {
        std::array<char const*, inline_args> argv{};
        std::array<std::size_t, inline_args> lens{};
        for (std::size_t i = 0; i < args.size(); ++i) {
            argv[i] = args[i].data();
            lens[i] = args[i].size();
        }
        append_encoded(out, args.size(), argv.data(), lens.data());
        return;
    }
    std::vector<char const*> argv(args.size());
    std::vector<std::size_t> lens(args.size());
    for (std::size_t i = 0; i < args.size(); ++i) {
        argv[i] = args[i].data();
        lens[i] = args[i].size();
    }
    append_encoded(out, args.size(), argv.data(), lens.data());
}

void append_command(std::string& out, std::initializer_list<std::string_view> args)
{
    append_command(out, std::span<std::string_view const>{args.begin(), args.size()});
}

std::string command(std::initializer_list<std::string_view> args)
{
    std::string out;
    append_command(out, args);
    return out;
}

std::size_t reply_framer::scan(std::string_view bytes)
{
    if (failed()) return 0;
    std::size_t whole = 0; // end of the last whole reply in `bytes`
    std::size_t i = 0;
    while (i < bytes.size()) {
        if (state_ == state::payload) {
            // A bulk string's bytes are skipped at once: only its length was checked.
            auto const n =
                static_cast<std::size_t>(std::min<std::uint64_t>(payload_left_, bytes.size() - i));
            i += n;
            payload_left_ -= n;
            if (!count(n)) return whole;
            if (payload_left_ == 0) end_of_value();
        } else {
            if (state_ == state::type && pending_ == 0) {
                pending_ = 1; // a new reply
                elements_ = 0;
                bytes_ = 0;
            }
            if (!count(1) || !step(bytes[i++])) return whole;
        }
        if (pending_ == 0) whole = i;
    }
    return bytes.size();
}

bool reply_framer::step(char c)
{
    switch (state_) {
    case state::type:
        type_ = c;
        negative_ = false;
        length_ = 0;
        digits_ = 0;
        if (c == '+' || c == '-' || c == ':') {
            state_ = state::line;
            return true;
        }
        if (c == '$' || c == '*') {
            state_ = state::length;
            return true;
        }
        return fail(failure::malformed,
                    "unknown reply type byte " + std::to_string(static_cast<unsigned char>(c)));
    case state::line:
        if (c == '\n') end_of_value();
        return true;
    case state::length:
        if (c == '-' && digits_ == 0 && !negative_) {
            negative_ = true;
        } else if (c >= '0' && c <= '9') {
            if (digits_ == 18) return fail(failure::too_large, "a length of more than 18 digits");
            length_ = length_ * 10 + static_cast<std::uint64_t>(c - '0');
            ++digits_;
        } else if (c == '\r' && digits_ > 0) {
            state_ = state::length_end;
        } else {
            return fail(failure::malformed, "a malformed length");
        }
        return true;
    case state::length_end:
        if (c != '\n') return fail(failure::malformed, "a malformed length");
        return end_of_length();
    case state::payload: break; // skipped by scan()
    }
    return true;
}

bool reply_framer::count(std::size_t bytes)
{
    bytes_ += bytes;
    if (bytes_ <= limits_.max_bytes) return true;
    return fail(failure::too_large,
                "a reply of more than " + std::to_string(limits_.max_bytes) + " bytes");
}

bool reply_framer::end_of_length()
{
    if (negative_) {
        // -1: a nil bulk string or array; no other negative length exists.
        if (length_ != 1) return fail(failure::malformed, "a negative length");
        end_of_value();
        return true;
    }
    if (type_ == '*') {
        elements_ += length_;
        if (elements_ > limits_.max_elements)
            return fail(failure::too_large, "a reply of " + std::to_string(elements_) +
                                                " elements, more than " +
                                                std::to_string(limits_.max_elements));
        pending_ += length_; // the elements replace the array itself
        end_of_value();
        return true;
    }
    if (length_ > limits_.max_bytes)
        return fail(failure::too_large, "a string of " + std::to_string(length_) +
                                            " bytes, more than " +
                                            std::to_string(limits_.max_bytes));
    payload_left_ = length_ + 2; // and its CRLF
    state_ = state::payload;
    return true;
}

void reply_framer::end_of_value() noexcept
{
    --pending_;
    state_ = state::type;
}

bool reply_framer::fail(failure f, std::string why)
{
    failure_ = f;
    why_ = std::move(why);
    return false;
}

void reader::deleter::operator()(redisReader* r) const noexcept { redisReaderFree(r); }

reader::reader(reply_limits limits) : r_{redisReaderCreate()}, framer_{limits}
{
    if (!r_) throw std::bad_alloc{};
}

void reader::feed(std::string_view bytes)
{
    // Only what the framer let through reaches hiredis: never a header over the limits.
    auto const n = framer_.scan(bytes);
    if (n == 0) return;
    // Fails only once the reader has failed, which next() reports.
    redisReaderFeed(r_.get(), bytes.data(), n);
}

reader::result reader::next(reply& out)
{
    void* raw = nullptr;
    if (redisReaderGetReply(r_.get(), &raw) != REDIS_OK) return result::protocol_error;
    if (raw == nullptr) {
        if (!framer_.failed()) return result::incomplete;
        return framer_.too_large() ? result::too_large : result::protocol_error;
    }
    std::unique_ptr<redisReply, reply_deleter> const owned{static_cast<redisReply*>(raw)};
    copy_reply(*owned, out);
    return result::reply;
}

std::string reader::error() const { return r_->err != 0 ? r_->errstr : framer_.why(); }

boost::system::error_category const& resp_category() noexcept
{
    static resp_category_impl const instance;
    return instance;
}

} // namespace wtf::redis
