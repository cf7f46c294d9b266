"""The front desk: server-rendered pages for clinic staff and doctors to run the day (/desk/)."""
