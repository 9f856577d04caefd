#include "sources/detail/csv_lines.hpp"

#include <cerrno>
#include <cstring>

#include <unistd.h>

namespace wtf::sources::detail {

csv_lines::csv_lines(int fd, std::size_t capacity)
    : fd_{fd}, capacity_{capacity}, buffer_{std::make_unique_for_overwrite<char[]>(capacity)}
{}

bool csv_lines::fill()
{
    if (begin_ == end_) {
        begin_ = end_ = 0;
    } else if (begin_ > 0) {
        std::memmove(buffer_.get(), buffer_.get() + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
    }
    for (;;) {
        auto const n = ::read(fd_, buffer_.get() + end_, capacity_ - end_);
        if (n > 0) {
            end_ += static_cast<std::size_t>(n);
            return true;
        }
        if (n == 0) {
            eof_ = true;
            return false;
        }
        if (errno != EINTR) {
            error_ = errno;
            return false;
        }
    }
}

csv_lines::status csv_lines::next(std::span<char>& line)
{
    for (;;) {
        char* const from = buffer_.get() + begin_;
        auto* const newline = static_cast<char*>(std::memchr(from, '\n', end_ - begin_));

        if (skipping_) {
            if (newline != nullptr) {
                begin_ += static_cast<std::size_t>(newline - from) + 1;
                skipping_ = false;
                continue;
            }
            begin_ = end_;
            if (error_ != 0) return status::error;
            if (eof_ || !fill()) return error_ != 0 ? status::error : status::end;
            continue;
        }

        std::size_t length = 0;
        if (newline != nullptr) {
            length = static_cast<std::size_t>(newline - from);
            begin_ += length + 1;
        } else if (eof_ && begin_ < end_) {
            length = end_ - begin_; // the last line has no "\n"
            begin_ = end_;
        } else if (eof_) {
            return status::end;
        } else if (error_ != 0) {
            return status::error;
        } else if (begin_ == 0 && end_ == capacity_) {
            ++number_;
            skipping_ = true;
            begin_ = end_;
            return status::too_long;
        } else {
            if (!fill() && error_ != 0) return status::error;
            continue;
        }

        ++number_;
        if (length > 0 && from[length - 1] == '\r') --length;
        char* start = from;
        if (number_ == 1 && length >= 3 && std::memcmp(start, "\xEF\xBB\xBF", 3) == 0) {
            start += 3;
            length -= 3;
        }
        line = std::span<char>{start, length};
        return status::line;
    }
}

} // namespace wtf::sources::detail
