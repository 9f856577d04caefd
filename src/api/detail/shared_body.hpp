#pragma once
// A Beast body that sends a shared, immutable string: the router's cached responses go out
// without a copy. The message keeps the shared_ptr (and so the text) alive until the write ends.

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional/optional.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

namespace wtf::api::detail {

struct shared_body {
    // A null pointer is an empty body (a HEAD response keeps its Content-Length and no text).
    using value_type = std::shared_ptr<std::string const>;

    static std::uint64_t size(value_type const& body) noexcept { return body ? body->size() : 0; }

    // BodyWriter (Beast 1.81): yields the whole text as one buffer.
    class writer {
    public:
        using const_buffers_type = boost::asio::const_buffer;

        template <bool isRequest, class Fields>
        writer(boost::beast::http::header<isRequest, Fields> const&,
               value_type const& body) noexcept
            : body_{body}
        {}

        void init(boost::beast::error_code& ec) noexcept { ec = {}; }

        boost::optional<std::pair<const_buffers_type, bool>>
        get(boost::beast::error_code& ec) noexcept
        {
            ec = {};
            if (!body_ || body_->empty()) return boost::none;
            return {{const_buffers_type{body_->data(), body_->size()}, false}};
        }

    private:
        value_type const& body_;
    };
};

} // namespace wtf::api::detail
