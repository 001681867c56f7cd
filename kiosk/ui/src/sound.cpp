#include <kiosk/ui/sound.hpp>

#include <alsa/asoundlib.h>

#include <cmath>
#include <memory>

namespace kiosk::ui {
namespace {

constexpr int kRate = 22050;

// libasound reports problems on stderr ("ALSA lib pcm.c: Unknown PCM default") unless told
// otherwise; a kiosk without audio says so once in its status line instead.
void quietAlsa(const char*, int, const char*, int, const char*, ...) {}

struct PcmClose {
    void operator()(snd_pcm_t* p) const noexcept { snd_pcm_close(p); }
};
using PcmPtr = std::unique_ptr<snd_pcm_t, PcmClose>;

/// Opens the device for playback without waiting for it (a busy device fails at once instead
/// of blocking the thread), then makes writes blocking. nullptr when it cannot play.
PcmPtr openPcm(const std::string& device) {
    snd_pcm_t* raw = nullptr;
    if (snd_pcm_open(&raw, device.c_str(), SND_PCM_STREAM_PLAYBACK, SND_PCM_NONBLOCK) < 0) return nullptr;
    PcmPtr pcm(raw);
    if (snd_pcm_nonblock(pcm.get(), 0) < 0) return nullptr;
    // Mono S16 at 22,050 Hz, resampled by ALSA when the card wants another rate; 100 ms latency.
    if (snd_pcm_set_params(pcm.get(), SND_PCM_FORMAT_S16_LE, SND_PCM_ACCESS_RW_INTERLEAVED, 1, kRate, 1,
                           100000) < 0)
        return nullptr;
    return pcm;
}

}  // namespace

std::vector<int16_t> makePcm(const std::vector<std::pair<double, int>>& notes, int rate) {
    std::vector<int16_t> pcm;
    for (const auto& [hz, ms] : notes) {
        const int n = rate * ms / 1000;
        const int fade = std::min(n / 4, rate / 200);
        for (int i = 0; i < n; ++i) {
            double env = 1.0;
            if (i < fade) env = double(i) / fade;
            if (n - i < fade) env = double(n - i) / fade;
            const double v = hz > 0 ? std::sin(2 * M_PI * hz * i / rate) * 0.45 * env : 0.0;
            pcm.push_back(static_cast<int16_t>(v * 32767));
        }
    }
    return pcm;
}

std::vector<std::pair<double, int>> toneNotes(Tone tone) {
    switch (tone) {
        case Tone::Success:
            return {{660, 110}, {990, 180}};
        case Tone::Refused:
            return {{440, 160}, {0, 40}, {330, 240}};
        case Tone::Attention:
            return {{587, 120}, {0, 60}, {587, 120}};
    }
    return {};
}

SoundPlayer::SoundPlayer(std::string device)
    : m_device(std::move(device)), m_thread([this](std::stop_token st) { run(st); }) {}

SoundPlayer::~SoundPlayer() {
    m_thread.request_stop();
    m_wake.notify_all();
    // jthread joins: at most the rest of one short tone.
}

void SoundPlayer::play(Tone tone) {
    if (m_state.load() == State::Unavailable) return;
    {
        std::lock_guard lock(m_mutex);
        m_pending = tone;
    }
    m_wake.notify_one();
}

void SoundPlayer::run(std::stop_token stop) {
    static std::once_flag quiet;
    std::call_once(quiet, [] { snd_lib_error_set_handler(&quietAlsa); });
    m_state = openPcm(m_device) ? State::Available : State::Unavailable;
    if (m_state == State::Unavailable) return;
    const std::vector<int16_t> tones[3] = {makePcm(toneNotes(Tone::Success), kRate),
                                           makePcm(toneNotes(Tone::Refused), kRate),
                                           makePcm(toneNotes(Tone::Attention), kRate)};
    while (!stop.stop_requested()) {
        Tone tone;
        {
            std::unique_lock lock(m_mutex);
            if (!m_wake.wait(lock, stop, [&] { return m_pending.has_value(); })) return;
            tone = *m_pending;
            m_pending.reset();
        }
        // Opened for each tone: USB speakers come and go, and a sound server may restart.
        PcmPtr pcm = openPcm(m_device);
        if (!pcm) continue;
        const auto& samples = tones[static_cast<int>(tone)];
        std::size_t done = 0;
        while (done < samples.size() && !stop.stop_requested()) {
            // A tenth of a second at a time, so a stop is seen quickly.
            const auto chunk = std::min<std::size_t>(samples.size() - done, kRate / 10);
            snd_pcm_sframes_t n = snd_pcm_writei(pcm.get(), samples.data() + done, chunk);
            if (n < 0) n = snd_pcm_recover(pcm.get(), static_cast<int>(n), 1);
            if (n < 0) break;
            done += static_cast<std::size_t>(n);
        }
        if (stop.stop_requested()) {
            snd_pcm_drop(pcm.get());
            return;
        }
        snd_pcm_drain(pcm.get());
        ++m_played;
    }
}

}  // namespace kiosk::ui
