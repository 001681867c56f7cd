#pragma once
/// kiosk::printing facade: badge and confirmation PDFs (libharu) and CUPS printing.
#include <kiosk/printing/badge.hpp>    // rendering: templates, fonts, QR, sheets, confirmations
#include <kiosk/printing/printer.hpp>  // CUPS queues, the exactly-once print outbox worker
