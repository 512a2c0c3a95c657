"""The web console (under construction): what regulators, chain-leader staff and analysts use in
the browser, served by ``chainmap serve`` beside the API and over the API's own permission
dependencies. So far: server-side sessions with CSRF tokens (:mod:`.sessions`)."""
