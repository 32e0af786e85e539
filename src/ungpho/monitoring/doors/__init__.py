"""The doors readings come in by: station files and the drop folder, MQTT, EURDEP, and the
letters that answer them."""
