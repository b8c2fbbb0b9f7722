package names

import "testing"

func TestColour(t *testing.T) {
	for in, want := range map[string]string{
		"blue": Blue, "BLUE": Blue, "Green": Green, "green": Green,
		"": "", "red": "", " blue": "", "bluegreen": "",
	} {
		if got := Colour(in); got != want {
			t.Errorf("Colour(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCluster(t *testing.T) {
	if got := Cluster("Prod-EU"); got != "prod-eu" {
		t.Errorf("Cluster = %q", got)
	}
}
