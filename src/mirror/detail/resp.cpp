#include "resp.hpp"

#include <hiredis/hiredis.h>

#include <array>
#include <cstdlib>
#include <new>

namespace wtf::mirror::detail {

namespace {

// Commands have six arguments at most (EVAL); longer ones take the heap.
constexpr std::size_t inline_args = 8;

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
    if (in.str != nullptr) out.text.assign(in.str, in.len);
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

void reader::deleter::operator()(redisReader* r) const noexcept { redisReaderFree(r); }

reader::reader() : r_{redisReaderCreate()}
{
    if (!r_) throw std::bad_alloc{};
}

void reader::feed(std::string_view bytes)
{
    if (bytes.empty()) return;
    // Fails only once the reader has failed, which next() reports.
    redisReaderFeed(r_.get(), bytes.data(), bytes.size());
}

reader::result reader::next(reply& out)
{
    void* raw = nullptr;
    if (redisReaderGetReply(r_.get(), &raw) != REDIS_OK) return result::protocol_error;
    if (raw == nullptr) return result::incomplete;
    std::unique_ptr<redisReply, reply_deleter> const owned{static_cast<redisReply*>(raw)};
    copy_reply(*owned, out);
    return result::reply;
}

std::string reader::error() const { return r_->errstr; }

boost::system::error_category const& resp_category() noexcept
{
    static resp_category_impl const instance;
    return instance;
}

} // namespace wtf::mirror::detail
