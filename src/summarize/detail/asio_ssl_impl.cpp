// Asio's SSL support, compiled once (BOOST_ASIO_SEPARATE_COMPILATION); the rest of Asio and Beast
// is compiled in src/core/asio_impl.cpp. It lives here because only the LLM client speaks TLS,
// so only wtf_summarize needs OpenSSL.
#include <boost/asio/ssl/impl/src.hpp>
