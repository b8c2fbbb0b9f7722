package mock_test

import (
	"fmt"
	"log"

	"github.com/e6data/gorm-e6data/mock"
)

// A blue/green deployment: the new colour serves new work at once; the old one is retired once
// the queries pinned to it are cleared (here: none), after which it answers HTTP 456.
func ExampleServer_Switch() {
	srv, err := mock.NewServer(mock.Options{InitialStrategy: mock.Blue})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	fmt.Println(srv.ActiveStrategy())
	fmt.Println(srv.Switch())
	fmt.Println(srv.DrainingStrategy() == "")
	// Output:
	// blue
	// green
	// true
}
