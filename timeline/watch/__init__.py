"""Agency watch: official enforcement releases read into an inbox that editors review."""
