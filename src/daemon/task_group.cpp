#include <wtf/daemon/task_group.hpp>
#include <wtf/log/log.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <exception>
#include <list>

namespace wtf::daemon {

namespace asio = boost::asio;

std::string_view to_string(stage s) noexcept
{
    switch (s) {
    case stage::control: return "control";
    case stage::sources: return "sources";
    case stage::processing: return "processing";
    case stage::writers: return "writers";
    }
    return "unknown";
}

// Shared with every task's completion handler: a task frame destroyed after the group (the
// io_context stopped with tasks pending) still finds its cancellation signal alive.
struct task_group::impl : std::enable_shared_from_this<impl> {
    struct task {
        task_id id;
        std::string name;
        daemon::stage stage;
        asio::cancellation_signal signal;
        bool cancelled = false;
    };

    explicit impl(asio::io_context& context) : ioc{context}, deadline{context} {}

    asio::io_context& ioc;
    asio::steady_timer deadline;
    std::list<task> tasks; // running only; a list, so signals never move
    task_id next_id = 1;
    bool failed = false;
    bool stopping = false;
    std::size_t stopping_stage = 0; // stages below this one have been cancelled

    std::size_t running(daemon::stage s) const noexcept
    {
        return static_cast<std::size_t>(
            std::count_if(tasks.begin(), tasks.end(), [s](task const& t) { return t.stage == s; }));
    }

    // Emitted from a posted handler: a task spawned a moment ago has not yet reached its first
    // wait (where it connects to the signal), and an emission before that would be lost. The
    // post runs after the task's start, which co_spawn posted earlier.
    void cancel(task& t)
    {
        if (t.cancelled) return;
        t.cancelled = true;
        asio::post(ioc, [weak = weak_from_this(), id = t.id] {
            auto self = weak.lock();
            if (!self) return;
            auto it = std::find_if(self->tasks.begin(), self->tasks.end(),
                                   [id](task const& x) { return x.id == id; });
            if (it != self->tasks.end()) it->signal.emit(asio::cancellation_type::terminal);
        });
    }

    // Cancels the next stages while the ones before them have no task left.
    void advance()
    {
        if (!stopping) return;
        while (stopping_stage < stage_count) {
            auto const s = static_cast<daemon::stage>(stopping_stage);
            for (task& t : tasks)
                if (t.stage == s) cancel(t);
            if (running(s) > 0) return; // the last one to end calls advance() again
            ++stopping_stage;
        }
        deadline.cancel();
    }

    void ended(task_id id, std::exception_ptr e)
    {
        auto it =
            std::find_if(tasks.begin(), tasks.end(), [id](task const& t) { return t.id == id; });
        std::string const name = it != tasks.end() ? it->name : std::string{"unknown"};
        if (it != tasks.end()) tasks.erase(it);
        if (e) {
            try {
                std::rethrow_exception(e);
            } catch (std::exception const& ex) {
                log::error("daemon") << "task failed task=" << name << " error=" << ex.what();
            } catch (...) {
                log::error("daemon") << "task failed task=" << name << " error=unknown";
            }
            failed = true;
            ioc.stop();
            return;
        }
        advance();
    }
};

task_group::task_group(asio::io_context& ioc) : impl_{std::make_shared<impl>(ioc)} {}

task_group::~task_group() { impl_->deadline.cancel(); }

task_group::task_id task_group::spawn(std::string name, stage when, asio::awaitable<void> task)
{
    auto& t = impl_->tasks.emplace_back();
    t.id = impl_->next_id++;
    t.name = std::move(name);
    t.stage = when;
    auto const id = t.id;
    auto on_end = [keep = impl_, id](std::exception_ptr e) { keep->ended(id, e); };
    asio::co_spawn(impl_->ioc, std::move(task),
                   asio::bind_cancellation_slot(t.signal.slot(), std::move(on_end)));
    // A stage already stopping takes no new work.
    if (impl_->stopping && static_cast<std::size_t>(when) <= impl_->stopping_stage)
        impl_->cancel(t);
    return id;
}

void task_group::cancel(task_id id)
{
    auto& tasks = impl_->tasks;
    auto it = std::find_if(tasks.begin(), tasks.end(), [id](auto const& t) { return t.id == id; });
    if (it != tasks.end()) impl_->cancel(*it);
}

void task_group::stop(std::chrono::milliseconds grace)
{
    if (impl_->stopping) return;
    impl_->stopping = true;
    impl_->deadline.expires_after(grace);
    impl_->deadline.async_wait([weak = std::weak_ptr<impl>{impl_}](boost::system::error_code ec) {
        auto self = weak.lock();
        if (ec || !self || self->tasks.empty()) return;
        std::string names;
        for (auto const& t : self->tasks) {
            if (!names.empty()) names += ',';
            names += t.name;
        }
        log::warning("daemon") << "tasks still running after the grace period, stopping the loop "
                                  "tasks="
                               << names;
        self->ioc.stop();
    });
    impl_->advance();
}

bool task_group::failed() const noexcept { return impl_->failed; }
bool task_group::stopping() const noexcept { return impl_->stopping; }
std::size_t task_group::running() const noexcept { return impl_->tasks.size(); }
std::size_t task_group::running(stage s) const noexcept { return impl_->running(s); }

std::vector<std::string> task_group::running_names() const
{
    std::vector<std::string> out;
    for (auto const& t : impl_->tasks) out.push_back(t.name);
    return out;
}

} // namespace wtf::daemon
