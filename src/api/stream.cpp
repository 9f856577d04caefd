#include <wtf/api/stream.hpp>

#include <utility>

namespace wtf::api {

bool stream::push(std::string&& chunk)
{
    if (ended()) return false;
    if (queued_bytes_ + chunk.size() > max_queued_bytes_) {
        overflowed_ = true;
        close();
        return false;
    }
    queued_bytes_ += chunk.size();
    queue_.push_back(std::move(chunk));
    wake();
    return true;
}

void stream::finish()
{
    if (ended()) return;
    finished_ = true;
    wake();
}

void stream::abort()
{
    if (ended()) return;
    aborted_ = true;
    queue_.clear();
    queued_bytes_ = 0;
    wake();
}

std::string stream::take_chunk()
{
    std::string chunk = std::move(queue_.front());
    queue_.pop_front();
    queued_bytes_ -= chunk.size();
    return chunk;
}

void stream::close()
{
    if (closed_) return;
    closed_ = true;
    queue_.clear();
    queued_bytes_ = 0;
    wake();
    if (auto done = std::exchange(on_close_, nullptr)) done();
}

} // namespace wtf::api
